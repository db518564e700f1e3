import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventReader, ObjectRef, ObjectState } from '../store/index.js';
import { HUBSPOT, hubspotTenant } from '../store/index.js';
import {
  decodePositionCursor,
  encodePositionCursor,
  forbidden,
  notFound,
  page,
  params as shared,
  readParams,
  DEFAULT_LIMIT,
  type Page,
} from '@hookstream/pipeline';
import type { StoredEvent } from '../store/index.js';
import * as hp from './params.js';

const p = { ...shared, ...hp, readParams, DEFAULT_LIMIT };
type EventsPage = Page<StoredEvent>;

const pathSpec = { portalId: p.positiveInt, objectType: p.objectType, objectId: p.positiveInt };

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

function readRef(params: unknown): ObjectRef {
  const r = p.readParams(params, pathSpec);
  // The router only matches when all three segments are present.
  return { portalId: r.portalId as number, objectType: r.objectType as string, objectId: r.objectId as number };
}

export function objectRoutes(app: FastifyInstance, reader: EventReader): void {
  app.get('/portals/:portalId/objects/:objectType/:objectId', async (req): Promise<ObjectState> => {
    const ref = readRef(req.params);
    requirePortal(req, ref.portalId);
    p.readParams(req.query, {});
    const state = await reader.objectState(ref);
    if (!state) throw notFound(`no state for ${ref.objectType} ${ref.objectId} in portal ${ref.portalId}`);
    return state;
  });

  app.get('/portals/:portalId/objects/:objectType/:objectId/timeline', async (req): Promise<EventsPage> => {
    const ref = readRef(req.params);
    requirePortal(req, ref.portalId);
    const q = p.readParams(req.query, { order: p.order, limit: p.limit, cursor: p.cursor });
    const order = q.order ?? 'asc';
    const limit = q.limit ?? p.DEFAULT_LIMIT;
    const after = q.cursor === undefined ? undefined : decodePositionCursor('cursor', q.cursor, 'timeline', order);
    const rows = await reader.timeline(ref, { order, limit: limit + 1, ...(after ? { after } : {}) });
    return page(rows, limit, (last) => encodePositionCursor('timeline', order, last));
  });
}
