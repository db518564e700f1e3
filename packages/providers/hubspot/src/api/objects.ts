import type { FastifyInstance } from 'fastify';
import type { EventReader, ObjectRef, ObjectState } from '../store/index.js';
import { decodePositionCursor, encodePositionCursor, notFound, page, params as shared, readParams, DEFAULT_LIMIT, type Page } from '@hookstream/pipeline';
import type { StoredEvent } from '../store/index.js';
import * as hp from './params.js';

const p = { ...shared, ...hp, readParams, DEFAULT_LIMIT };
type EventsPage = Page<StoredEvent>;

const pathSpec = { portalId: p.positiveInt, objectType: p.objectType, objectId: p.positiveInt };

function readRef(params: unknown): ObjectRef {
  const r = p.readParams(params, pathSpec);
  // The router only matches when all three segments are present.
  return { portalId: r.portalId as number, objectType: r.objectType as string, objectId: r.objectId as number };
}

export function objectRoutes(app: FastifyInstance, reader: EventReader): void {
  app.get('/portals/:portalId/objects/:objectType/:objectId', async (req): Promise<ObjectState> => {
    const ref = readRef(req.params);
    p.readParams(req.query, {});
    const state = await reader.objectState(ref);
    if (!state) throw notFound(`no state for ${ref.objectType} ${ref.objectId} in portal ${ref.portalId}`);
    return state;
  });

  app.get('/portals/:portalId/objects/:objectType/:objectId/timeline', async (req): Promise<EventsPage> => {
    const ref = readRef(req.params);
    const q = p.readParams(req.query, { order: p.order, limit: p.limit, cursor: p.cursor });
    const order = q.order ?? 'asc';
    const limit = q.limit ?? p.DEFAULT_LIMIT;
    const after = q.cursor === undefined ? undefined : decodePositionCursor('cursor', q.cursor, 'timeline', order);
    const rows = await reader.timeline(ref, { order, limit: limit + 1, ...(after ? { after } : {}) });
    return page(rows, limit, (last) => encodePositionCursor('timeline', order, last));
  });
}
