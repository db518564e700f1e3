import type { FastifyInstance } from 'fastify';
import { AppError } from '@hookstream/core';
import type { DeadLetters, RedriveRequest } from '../dead-letters/service.js';

/**
 * The dead-letter admin routes (docs/dead-letters.md): the DLQ topics with their sizes, a
 * topic's dead letters page by page, and redrives of a selection or a time range as jobs the
 * console polls. Registered in the admin block: admin tokens only.
 */

const error = { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } as const;
const nullableString = { type: ['string', 'null'] } as const;
const offset = { type: 'string', pattern: '^\\d{1,19}$', description: 'a Kafka offset (int64, as a string)' } as const;
const time = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$',
  description: 'ISO-8601 date-time with Z or an offset',
  'x-error': 'must be an ISO-8601 date-time with Z or an offset, e.g. 2026-12-01T08:00:00Z',
} as const;
const topicParams = {
  type: 'object',
  required: ['topic'],
  properties: { topic: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,249}$', description: 'a DLQ topic, as GET /dead-letters names it' } },
} as const;

export const jobSchema = {
  type: 'object',
  required: ['id', 'topic', 'kind', 'state', 'total', 'done', 'passedOver', 'startedAt', 'finishedAt', 'error'],
  properties: {
    id: { type: 'string' },
    topic: { type: 'string' },
    kind: { type: 'string', enum: ['selection', 'range'] },
    state: { type: 'string', enum: ['running', 'done', 'failed', 'interrupted'] },
    total: { type: 'integer' },
    done: { type: 'integer' },
    passedOver: { type: 'integer' },
    startedAt: { type: 'string' },
    finishedAt: nullableString,
    error: { anyOf: [{ type: 'null' }, error] },
  },
} as const;

const topicSchema = {
  type: 'object',
  required: ['topic', 'provider', 'target', 'partitions', 'total', 'pending', 'job', 'error'],
  properties: {
    topic: { type: 'string' },
    provider: { type: 'string' },
    target: { type: 'string' },
    partitions: { type: 'integer' },
    total: { type: 'integer' },
    pending: { type: 'integer' },
    job: { anyOf: [{ type: 'null' }, jobSchema] },
    error: nullableString,
  },
} as const;

const itemSchema = {
  type: 'object',
  properties: {
    partition: { type: 'integer' },
    offset: { type: 'string' },
    deadLetteredAt: { type: 'string' },
    key: nullableString,
    attempts: { type: 'integer' },
    errorCode: nullableString,
    error: nullableString,
    firstFailureAt: nullableString,
    original: {
      anyOf: [{ type: 'null' }, { type: 'object', properties: { topic: { type: 'string' }, partition: { type: 'integer' }, offset: { type: 'string' } } }],
    },
    redriven: { type: 'boolean' },
  },
} as const;

interface ListQuerystring {
  limit: number;
  after?: string;
  pending?: boolean;
  since?: string;
  until?: string;
}

interface RedriveBody {
  offsets?: Array<{ partition: number; offset: string }>;
  since?: string;
  until?: string;
}

function badRequest(message: string): AppError {
  return new AppError('BAD_REQUEST', 400, message);
}

/** Epoch ms of a validated date-time; `until` must not be before `since`. */
function timeRange(q: { since?: string; until?: string }): { since?: number; until?: number } {
  const since = q.since === undefined ? undefined : Date.parse(q.since);
  const until = q.until === undefined ? undefined : Date.parse(q.until);
  if (since !== undefined && !Number.isFinite(since)) throw badRequest('since must be an ISO-8601 date-time');
  if (until !== undefined && !Number.isFinite(until)) throw badRequest('until must be an ISO-8601 date-time');
  if (since !== undefined && until !== undefined && until < since) throw badRequest('until is before since');
  return { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
}

export function deadLetterRoutes(app: FastifyInstance, deadLetters: DeadLetters | undefined): void {
  const need = (): DeadLetters => {
    if (!deadLetters)
      throw new AppError(
        'KAFKA_NOT_CONFIGURED',
        503,
        'dead letters need Kafka: set KAFKA_BROKERS (and KAFKA_SASL_*/KAFKA_SSL* if the brokers need them) on events-api',
      );
    return deadLetters;
  };

  app.get(
    '/dead-letters',
    {
      schema: {
        summary: 'The DLQ topics of the fleet with their sizes',
        response: { 200: { type: 'object', required: ['topics'], properties: { topics: { type: 'array', items: topicSchema } } }, 503: error },
      },
    },
    async () => ({ topics: await need().topics() }),
  );

  app.get<{ Params: { topic: string }; Querystring: ListQuerystring }>(
    '/dead-letters/:topic',
    {
      schema: {
        summary: "A DLQ topic's dead letters, by partition and offset, a page at a time",
        params: topicParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            after: { type: 'string', pattern: '^\\d{1,9}:\\d{1,19}$', description: "the previous page's `next` (partition:offset)" },
            pending: { type: 'boolean', description: 'only those the redrive group has not redriven' },
            since: time,
            until: time,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['topic', 'items', 'total', 'next'],
            properties: { topic: { type: 'string' }, items: { type: 'array', items: itemSchema }, total: { type: 'integer' }, next: nullableString },
          },
          400: error,
          404: error,
          503: error,
        },
      },
    },
    async (req) => {
      const dl = need();
      const q = req.query;
      const [p, o] = q.after?.split(':') ?? [];
      return dl.list(req.params.topic, {
        limit: q.limit,
        ...(p !== undefined && o !== undefined ? { after: { partition: Number(p), offset: BigInt(o) } } : {}),
        ...(q.pending ? { pending: true } : {}),
        ...timeRange(q),
      });
    },
  );

  app.post<{ Params: { topic: string }; Body: RedriveBody }>(
    '/dead-letters/:topic/redrive',
    {
      schema: {
        summary: 'Redrive chosen dead letters (offsets) or a time range (since/until; neither: all not yet redriven) as a job',
        params: topicParams,
        body: {
          type: 'object',
          additionalProperties: false,
          'x-error': 'takes offsets (a selection) or since and/or until (a time range), nothing else',
          properties: {
            offsets: {
              type: 'array',
              minItems: 1,
              maxItems: 1000,
              items: {
                type: 'object',
                required: ['partition', 'offset'],
                additionalProperties: false,
                properties: { partition: { type: 'integer', minimum: 0, maximum: 999_999 }, offset },
              },
            },
            since: time,
            until: time,
          },
        },
        response: { 202: { type: 'object', required: ['job'], properties: { job: jobSchema } }, 400: error, 404: error, 409: error, 503: error },
      },
    },
    async (req, reply) => {
      const dl = need();
      const b = req.body ?? {};
      if (b.offsets && (b.since !== undefined || b.until !== undefined)) throw badRequest('give offsets or a time range (since/until), not both');
      const r: RedriveRequest = b.offsets ? { offsets: b.offsets.map((x) => ({ partition: x.partition, offset: BigInt(x.offset) })) } : timeRange(b);
      const job = await dl.redrive(req.params.topic, r);
      return reply.code(202).header('location', `/dead-letters/jobs/${job.id}`).send({ job });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/dead-letters/jobs/:id',
    {
      schema: {
        summary: "A redrive job's progress",
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$', 'x-error': 'must be a job id' } } },
        response: { 200: { type: 'object', required: ['job'], properties: { job: jobSchema } }, 404: error, 503: error },
      },
    },
    async (req) => {
      const job = need().job(req.params.id);
      if (!job) throw new AppError('JOB_UNKNOWN', 404, `no redrive job ${req.params.id} on this events-api (jobs live in the process that started them)`);
      return { job };
    },
  );
}
