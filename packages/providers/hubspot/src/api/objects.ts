import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventReader, ObjectRef, ObjectState } from '../store/index.js';
import { HUBSPOT, hubspotTenant } from '../store/index.js';
import { decodePositionCursor, encodePositionCursor, forbidden, notFound, page, DEFAULT_LIMIT, type Page } from '@hookstream/pipeline';
import type { StoredEvent } from '../store/index.js';
import * as s from './schemas.js';

type EventsPage = Page<StoredEvent>;
type ObjectRoute = { Params: ObjectRef };

const tags = ['hubspot'];
const STATE_SCHEMA = { summary: 'An object’s latest known state', tags, params: s.OBJECT_PATH, querystring: s.query(), response: { 200: s.OBJECT_STATE } };
const TIMELINE_SCHEMA = {
  summary: 'An object’s events in occurredAt order',
  tags,
  params: s.OBJECT_PATH,
  querystring: s.query({ order: s.ORDER, limit: s.LIMIT, cursor: s.CURSOR }),
  response: { 200: s.EVENTS_PAGE },
};

/**
 * The portals the request's scope limits it to, or undefined for every portal. The host scopes
 * by tenant; HubSpot's tenant is the portal id (hubspotTenant), so the mapping lives here.
 */
export function scopedPortals(req: FastifyRequest): readonly number[] | undefined {
  // The host sets a scope on every request it routes here; without one, refuse rather than guess.
  if (!req.scope) throw forbidden('this request carries no read scope');
  const tenants = req.scope.tenants(HUBSPOT);
  // A tenant that is no portal's (not a canonical id) names nothing these routes can read.
  return tenants?.flatMap((t) => {
    const portalId = Number(t);
    return Number.isSafeInteger(portalId) && portalId > 0 && hubspotTenant(portalId) === t ? [portalId] : [];
  });
}

/** 403 unless the request's scope lets it read `portalId`. */
export function requirePortal(req: FastifyRequest, portalId: number): void {
  const portals = scopedPortals(req);
  if (portals !== undefined && !portals.includes(portalId)) throw forbidden(`this token may not read portal ${portalId}`);
}

export function objectRoutes(app: FastifyInstance, reader: EventReader): void {
  app.get<ObjectRoute>('/portals/:portalId/objects/:objectType/:objectId', { schema: STATE_SCHEMA }, async (req): Promise<ObjectState> => {
    const ref = req.params;
    requirePortal(req, ref.portalId);
    const state = await reader.objectState(ref);
    if (!state) throw notFound(`no state for ${ref.objectType} ${ref.objectId} in portal ${ref.portalId}`);
    return state;
  });

  app.get<ObjectRoute & { Querystring: { order?: 'asc' | 'desc'; limit?: number; cursor?: string } }>(
    '/portals/:portalId/objects/:objectType/:objectId/timeline',
    { schema: TIMELINE_SCHEMA },
    async (req): Promise<EventsPage> => {
      const ref = req.params;
      requirePortal(req, ref.portalId);
      const q = req.query;
      const order = q.order ?? 'asc';
      const limit = q.limit ?? DEFAULT_LIMIT;
      const after = q.cursor === undefined ? undefined : decodePositionCursor('cursor', q.cursor, 'timeline', order);
      const rows = await reader.timeline(ref, { order, limit: limit + 1, ...(after ? { after } : {}) });
      return page(rows, limit, (last) => encodePositionCursor('timeline', order, last));
    },
  );
}
