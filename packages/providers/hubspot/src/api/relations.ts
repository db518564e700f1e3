import type { FastifyInstance, FastifyRequest } from 'fastify';
import { classifySubscriptionType } from '../subscription-types.js';
import type { Association, EventReader, LifecycleEntry, ObjectRef } from '../store/index.js';
import { badRequest, forbidden, notFound, params as shared, readParams, DEFAULT_LIMIT, type Parser } from '@hookstream/pipeline';
import { decodeAssociationCursor, encodeAssociationCursor } from './association-cursor.js';
import { requirePortal, scopedPortals } from './objects.js';
import * as hp from './params.js';

const p = { ...shared, ...hp, readParams, DEFAULT_LIMIT };

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

const bool: Parser<boolean> = (name, raw) => {
  if (raw !== 'true' && raw !== 'false') throw badRequest(name, 'must be true or false');
  return raw === 'true';
};

const objectPath = { portalId: p.positiveInt, objectType: p.objectType, objectId: p.positiveInt };

export function relationRoutes(app: FastifyInstance, reader: EventReader): void {
  app.get('/portals/:portalId/objects/:objectType/:objectId/associations', async (req): Promise<AssociationsPage> => {
    const r = p.readParams(req.params, objectPath);
    const ref: ObjectRef = { portalId: r.portalId as number, objectType: r.objectType as string, objectId: r.objectId as number };
    requirePortal(req, ref.portalId);
    const q = p.readParams(req.query, { includeRemoved: bool, limit: p.limit, cursor: p.cursor });
    const limit = q.limit ?? p.DEFAULT_LIMIT;
    const includeRemoved = q.includeRemoved ?? false;
    const after = q.cursor === undefined ? undefined : decodeAssociationCursor('cursor', q.cursor, includeRemoved);
    const rows = await reader.associations(ref, { includeRemoved, limit: limit + 1, ...(after ? { after } : {}) });
    const associations = rows.slice(0, limit);
    const last = associations[associations.length - 1];
    return { associations, nextCursor: rows.length > limit && last ? encodeAssociationCursor(last, includeRemoved) : null };
  });

  app.get('/portals/:portalId/contacts/:contactId/lifecycle', async (req): Promise<LifecycleEntry[]> => {
    const r = p.readParams(req.params, { portalId: p.positiveInt, contactId: p.positiveInt });
    requirePortal(req, r.portalId as number);
    p.readParams(req.query, {});
    const history = await reader.lifecycle({ portalId: r.portalId as number, objectType: 'contact', objectId: r.contactId as number });
    if (!history) throw notFound(`no contact ${String(r.contactId)} in portal ${String(r.portalId)}`);
    return history;
  });

  app.get('/stats/subscription-types', async (req): Promise<SubscriptionTypeStats> => {
    const q = p.readParams(req.query, { portalId: p.positiveInt, from: p.time, to: p.time });
    if (q.from !== undefined && q.to !== undefined && q.to < q.from) throw badRequest('to', 'must not be before from');
    const portalId = q.portalId ?? impliedPortal(req);
    if (portalId !== undefined) requirePortal(req, portalId);
    const rows = await reader.subscriptionTypeStats({
      ...(portalId !== undefined ? { portalId } : {}),
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
    });
    const subscriptionTypes = rows.map((s) => ({ ...s, known: classifySubscriptionType(s.subscriptionType).known }));
    const unknown = subscriptionTypes.filter((s) => !s.known);
    return { subscriptionTypes, unknown: { types: unknown.length, events: unknown.reduce((n, s) => n + s.events, 0) } };
  });
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
