import type { FastifyInstance } from 'fastify';
import type { EventReader, StoredEvent } from '@hookstream/store';
import { decodeChangesCursor, decodePositionCursor, encodeChangesCursor, encodePositionCursor } from '../cursor.js';
import { badRequest } from '../errors.js';
import * as p from '../params.js';

export interface EventsPage {
  events: StoredEvent[];
  nextCursor: string | null;
}

export interface ChangesPage {
  events: StoredEvent[];
  nextCursor: string;
}

export function eventRoutes(app: FastifyInstance, reader: EventReader): void {
  app.get('/events', async (req): Promise<EventsPage> => {
    const q = p.readParams(req.query, {
      portalId: p.positiveInt,
      objectType: p.objectType,
      objectId: p.positiveInt,
      subscriptionType: p.subscriptionType,
      from: p.time,
      to: p.time,
      order: p.order,
      limit: p.limit,
      cursor: p.cursor,
    });
    if (q.from !== undefined && q.to !== undefined && q.to < q.from) throw badRequest('to', 'must not be before from');
    const order = q.order ?? 'asc';
    const limit = q.limit ?? p.DEFAULT_LIMIT;
    const after = q.cursor === undefined ? undefined : decodePositionCursor('cursor', q.cursor, 'events', order);
    // One extra row tells whether another page exists, so the last full page ends the iteration.
    const rows = await reader.list({
      ...pick(q, ['portalId', 'objectType', 'objectId', 'subscriptionType', 'from', 'to']),
      order,
      limit: limit + 1,
      ...(after ? { after } : {}),
    });
    return page(rows, limit, (last) => encodePositionCursor('events', order, last));
  });

  app.get('/events/changes', async (req): Promise<ChangesPage> => {
    const q = p.readParams(req.query, { after: p.cursor, limit: p.limit, portalId: p.positiveInt });
    const afterId = q.after === undefined ? 0 : decodeChangesCursor('after', q.after);
    const events = await reader.changes({ afterId, limit: q.limit ?? p.DEFAULT_LIMIT, ...(q.portalId ? { portalId: q.portalId } : {}) });
    const last = events[events.length - 1];
    // Always a cursor: pollers keep asking with it and pick up whatever was ingested since.
    return { events, nextCursor: encodeChangesCursor(last ? last.id : afterId) };
  });
}

export function page(rows: StoredEvent[], limit: number, cursorFor: (last: { occurredAt: number; id: number }) => string): EventsPage {
  const events = rows.slice(0, limit);
  const last = events[events.length - 1];
  return { events, nextCursor: rows.length > limit && last ? cursorFor(last) : null };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
