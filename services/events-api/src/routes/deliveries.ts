import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '@hookstream/core';
import { DELIVERY_STATES, type DeliveryState } from '@hookstream/deliveries';
import { params as p, DEFAULT_LIMIT } from '@hookstream/pipeline';
import * as s from '../openapi/schemas.js';
import * as a from '../admin/schemas.js';
import type { LedgerReader } from '@hookstream/store';
import type { AdminContext } from '../admin/context.js';
import { decodeEventCursor, decodeIdCursor, encodeCursor } from '../admin/cursor.js';
import { deliveriesJson, type DeliveryJson } from '../admin/present.js';
import { parseBody } from '../admin/validate.js';
import { existingEndpoint } from './endpoints.js';

export interface DeliveriesPage {
  deliveries: DeliveryJson[];
  /** The `cursor` of the next page; null on the last one. */
  next: string | null;
}

export interface RetriedOne {
  retried: 1;
  delivery: DeliveryJson;
}

export interface RetriedChunk {
  retried: number;
  /** The `after` of the next call, or null when nothing selected is left. */
  next: number | null;
}

const STATES = ['pending', 'succeeded', 'dead'] as const satisfies readonly DeliveryState[];

/**
 * `status=dead` or `status=pending,dead`: the pattern names the states, so a schema failure says
 * which are taken; the list is split in code (a query value is one string).
 */
const STATUS_PARAM = {
  type: 'string',
  pattern: `^\\s*(${DELIVERY_STATES.join('|')})\\s*(,\\s*(${DELIVERY_STATES.join('|')})\\s*)*$`,
  description: `Only deliveries in these states, comma-separated: ${DELIVERY_STATES.join(', ')}.`,
  'x-error': `takes ${DELIVERY_STATES.join(', ')} (comma-separated)`,
};
const statuses = (raw: string): DeliveryState[] => [...new Set(raw.split(',').map((x) => x.trim()) as DeliveryState[])];

type PageQuery = { Querystring: { status?: string; limit?: number; cursor?: string } };
const PAGE_QUERY = s.query({ status: STATUS_PARAM, limit: s.limit, cursor: s.cursor('The `next` of the previous page.') });
const eventIdParam = (raw: string): number => {
  try {
    return p.positiveInt('eventId', raw);
  } catch {
    throw new AppError('delivery_not_found', 404, 'no such delivery: event ids are positive integers');
  }
};

const MAX_RETRY_CHUNK = 10_000;

const INSTANT = 'expected an ISO-8601 date-time (with Z or an offset) or epoch milliseconds';

/** A time in the body: epoch ms, or ISO-8601 text as the query parameters take it. */
const instant = z.union([z.number().int().min(0).max(8_640_000_000_000_000), z.string().max(40)], { error: INSTANT }).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  try {
    return p.time('time', v);
  } catch {
    ctx.addIssue({ code: 'custom', message: INSTANT });
    return z.NEVER;
  }
});

/** `POST /endpoints/:id/retry`: which deliveries to start again, in chunks of `limit`. */
const RetryBodySchema = z
  .object({
    status: z.array(z.enum(STATES)).min(1).max(STATES.length).optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.number().int().min(1).max(MAX_RETRY_CHUNK).default(1000),
    after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.from !== undefined && b.to !== undefined && b.to < b.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

const tags = ['admin'];
const SCHEMAS = {
  byEndpoint: {
    summary: 'An endpoint’s deliveries, newest event first',
    tags,
    params: s.pathParams({ id: a.ENDPOINT_ID_PARAM }),
    querystring: PAGE_QUERY,
    response: { 200: a.DELIVERIES_PAGE },
  },
  byEvent: {
    summary: 'An event’s deliveries, one per matching endpoint',
    tags,
    params: s.pathParams({ id: s.positiveInt('The event’s ledger id.') }),
    querystring: PAGE_QUERY,
    response: { 200: a.DELIVERIES_PAGE },
  },
  retryOne: {
    summary: 'Start one delivery again, whatever its state',
    tags,
    params: s.pathParams({
      id: a.ENDPOINT_ID_PARAM,
      eventId: { type: 'string', description: 'The event’s ledger id (a positive integer; anything else: 404 delivery_not_found).' },
    }),
    querystring: s.query(),
    response: { 200: a.RETRIED_ONE },
  },
  retry: {
    summary: 'Start an endpoint’s deliveries again, in chunks (`next` → `after`)',
    tags,
    params: s.pathParams({ id: a.ENDPOINT_ID_PARAM }),
    querystring: s.query(),
    body: a.zodBody(RetryBodySchema, 'Which deliveries: states (default dead), created between from and to, in chunks of limit after `after`.'),
    response: { 200: a.RETRIED_CHUNK },
  },
};

/**
 * The delivery log and manual retries: GET /endpoints/:id/deliveries, GET /events/:id/deliveries,
 * POST /endpoints/:id/deliveries/:eventId/retry (one, any state) and POST /endpoints/:id/retry
 * (a selection, in chunks, so a large retry shows progress and can stop and go on).
 */
export function deliveryRoutes(app: FastifyInstance, ctx: AdminContext, ledger: LedgerReader): void {
  app.get<{ Params: { id: string } } & PageQuery>('/endpoints/:id/deliveries', { schema: SCHEMAS.byEndpoint }, async (req): Promise<DeliveriesPage> => {
    const q = { ...req.query, status: req.query.status === undefined ? undefined : statuses(req.query.status) };
    const endpoint = await existingEndpoint(ctx, req.params.id);
    const limit = q.limit ?? DEFAULT_LIMIT;
    const before = q.cursor === undefined ? undefined : decodeEventCursor('cursor', q.cursor, 'deliveries', endpoint.id);
    const rows = await ctx.deliveries.listByEndpoint(endpoint.id, {
      limit: limit + 1,
      ...(q.status ? { states: q.status } : {}),
      ...(before !== undefined ? { beforeEventId: before } : {}),
    });
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return {
      deliveries: await deliveriesJson(shown, ctx.deliveries),
      next: rows.length > limit && last ? encodeCursor('deliveries', last.eventId, endpoint.id) : null,
    };
  });

  app.get<{ Params: { id: number } } & PageQuery>('/events/:id/deliveries', { schema: SCHEMAS.byEvent }, async (req): Promise<DeliveriesPage> => {
    const eventId = req.params.id;
    const q = { ...req.query, status: req.query.status === undefined ? undefined : statuses(req.query.status) };
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = q.cursor === undefined ? undefined : decodeIdCursor('cursor', q.cursor, 'event-deliveries', String(eventId));
    // One event has a delivery per matching endpoint: few enough to page in memory.
    const all = await ctx.deliveries.listByEvent(eventId, q.status ? { states: q.status } : {});
    if (all.length === 0 && after === undefined) {
      const [stored] = await ledger.query('read event', { sql: 'SELECT id FROM events WHERE id = ?', params: [eventId] });
      if (!stored) throw new AppError('event_not_found', 404, `no event ${eventId} in the ledger`);
    }
    const rows = after === undefined ? all : all.filter((d) => d.endpointId > after);
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return {
      deliveries: await deliveriesJson(shown, ctx.deliveries),
      next: rows.length > limit && last ? encodeCursor('event-deliveries', last.endpointId, String(eventId)) : null,
    };
  });

  app.post<{ Params: { id: string; eventId: string } }>(
    '/endpoints/:id/deliveries/:eventId/retry',
    { schema: SCHEMAS.retryOne },
    async (req): Promise<RetriedOne> => {
      const endpoint = await existingEndpoint(ctx, req.params.id);
      const eventId = eventIdParam(req.params.eventId);
      const notFound = () => new AppError('delivery_not_found', 404, `endpoint ${endpoint.id} has no delivery of event ${eventId}`);
      if (!(await ctx.deliveries.get(endpoint.id, eventId))) throw notFound();
      await ctx.deliveries.retry({ endpointId: endpoint.id, eventId, states: DELIVERY_STATES, limit: 1 }, ctx.now());
      const after = await ctx.deliveries.get(endpoint.id, eventId);
      if (!after) throw notFound();
      req.log.info({ endpointId: endpoint.id, eventId }, 'delivery retried');
      const [delivery] = await deliveriesJson([after], ctx.deliveries);
      return { retried: 1, delivery: delivery as DeliveryJson };
    },
  );

  app.post<{ Params: { id: string } }>('/endpoints/:id/retry', { schema: SCHEMAS.retry }, async (req): Promise<RetriedChunk> => {
    const body = parseBody(RetryBodySchema, req.body, 'retry selection');
    const endpoint = await existingEndpoint(ctx, req.params.id);
    const r = await ctx.deliveries.retry(
      {
        endpointId: endpoint.id,
        states: body.status ?? ['dead'],
        limit: body.limit,
        ...(body.from !== undefined ? { from: body.from } : {}),
        ...(body.to !== undefined ? { to: body.to } : {}),
        ...(body.after !== undefined ? { afterEventId: body.after } : {}),
      },
      ctx.now(),
    );
    req.log.info({ endpointId: endpoint.id, retried: r.retried }, 'deliveries retried');
    // A full chunk may have more behind it; a short one is the last.
    return { retried: r.retried, next: r.retried === body.limit ? r.lastEventId : null };
  });
}
