import type { FastifyInstance, FastifyRequest } from 'fastify';
import { classifySubscriptionType } from '../subscription-types.js';
import type { Association, EventReader, LifecycleEntry, ObjectRef } from '../store/index.js';
import { badRequest, forbidden, notFound, params as p, DEFAULT_LIMIT } from '@hookstream/pipeline';
import { decodeAssociationCursor, encodeAssociationCursor } from './association-cursor.js';
import { requirePortal, scopedPortals } from './objects.js';
import * as s from './schemas.js';

export interface AssociationsPage {
  associations: Association[];
  nextCursor: string | null;
}

export interface SubscriptionTypeStat {
  subscriptionType: string;
  /** False for types HubSpot does not document (stored raw, counted as "unknown" by the processor). */
  known: boolean;
  events: number;
  firstOccurredAt: number;
  lastOccurredAt: number;
}

export interface SubscriptionTypeStats {
  subscriptionTypes: SubscriptionTypeStat[];
  unknown: { types: number; events: number };
}

const tags = ['hubspot'];
const SCHEMAS = {
  associations: {
    summary: 'Associations from an object (current ones unless includeRemoved)',
    tags,
    params: s.OBJECT_PATH,
    querystring: s.query({
      includeRemoved: { type: 'boolean', description: 'Removed associations too; default false.', 'x-error': 'must be true or false' },
      limit: s.LIMIT,
      cursor: s.CURSOR,
    }),
    response: { 200: s.ASSOCIATIONS_PAGE },
  },
  lifecycle: {
    summary: 'A contact’s lifecycle-stage history',
    tags,
    params: s.path({ portalId: s.positiveInt('The HubSpot portal id.'), contactId: s.positiveInt('The contact’s id.') }),
    querystring: s.query(),
    response: { 200: s.LIFECYCLE },
  },
  stats: {
    summary: 'Stored events per subscription type, undocumented ones marked unknown',
    tags,
    querystring: s.query({
      portalId: s.positiveInt('One portal; required for a token that may read several.'),
      from: s.TIME('Events that occurred at or after this time.'),
      to: s.TIME('Events that occurred at or before this time.'),
    }),
    response: { 200: s.SUBSCRIPTION_TYPE_STATS },
  },
};

type AssociationsRoute = { Params: ObjectRef; Querystring: { includeRemoved?: boolean; limit?: number; cursor?: string } };

export function relationRoutes(app: FastifyInstance, reader: EventReader): void {
  app.get<AssociationsRoute>(
    '/portals/:portalId/objects/:objectType/:objectId/associations',
    { schema: SCHEMAS.associations },
    async (req): Promise<AssociationsPage> => {
      const ref = req.params;
      requirePortal(req, ref.portalId);
      const q = req.query;
      const limit = q.limit ?? DEFAULT_LIMIT;
      const includeRemoved = q.includeRemoved ?? false;
      const after = q.cursor === undefined ? undefined : decodeAssociationCursor('cursor', q.cursor, includeRemoved);
      const rows = await reader.associations(ref, { includeRemoved, limit: limit + 1, ...(after ? { after } : {}) });
      const associations = rows.slice(0, limit);
      const last = associations[associations.length - 1];
      return { associations, nextCursor: rows.length > limit && last ? encodeAssociationCursor(last, includeRemoved) : null };
    },
  );

  app.get<{ Params: { portalId: number; contactId: number } }>(
    '/portals/:portalId/contacts/:contactId/lifecycle',
    { schema: SCHEMAS.lifecycle },
    async (req): Promise<LifecycleEntry[]> => {
      const r = req.params;
      requirePortal(req, r.portalId);
      const history = await reader.lifecycle({ portalId: r.portalId, objectType: 'contact', objectId: r.contactId });
      if (!history) throw notFound(`no contact ${String(r.contactId)} in portal ${String(r.portalId)}`);
      return history;
    },
  );

  app.get<{ Querystring: { portalId?: number; from?: string; to?: string } }>(
    '/stats/subscription-types',
    { schema: SCHEMAS.stats },
    async (req): Promise<SubscriptionTypeStats> => {
      const from = req.query.from === undefined ? undefined : p.time('from', req.query.from);
      const to = req.query.to === undefined ? undefined : p.time('to', req.query.to);
      if (from !== undefined && to !== undefined && to < from) throw badRequest('to', 'must not be before from');
      const portalId = req.query.portalId ?? impliedPortal(req);
      if (portalId !== undefined) requirePortal(req, portalId);
      const rows = await reader.subscriptionTypeStats({
        ...(portalId !== undefined ? { portalId } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      });
      const subscriptionTypes = rows.map((row) => ({ ...row, known: classifySubscriptionType(row.subscriptionType).known }));
      const unknown = subscriptionTypes.filter((t) => !t.known);
      return { subscriptionTypes, unknown: { types: unknown.length, events: unknown.reduce((n, t) => n + t.events, 0) } };
    },
  );
}

/**
 * The portal that stats without portalId count: undefined (every portal) for a token that may
 * read them all, its one portal for a token scoped to one. With several the caller names one:
 * the stats query counts one portal or all of them, and all would include other portals.
 */
function impliedPortal(req: FastifyRequest): number | undefined {
  const portals = scopedPortals(req);
  if (portals === undefined) return undefined;
  if (portals.length === 1) return portals[0];
  if (portals.length === 0) throw forbidden('this token may not read any HubSpot portal');
  throw badRequest('portalId', `required: this token may read portals ${portals.join(', ')}; name one`);
}
