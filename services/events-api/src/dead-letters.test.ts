import { createServer, type AddressInfo } from 'node:net';
import { createKafka } from '@hookstream/kafka';
import { createLogger } from '@hookstream/observability';
import type { DataSource } from '@hookstream/store';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { deadLettersFromEnv } from './dead-letters/from-env.js';
import { createJobBook } from './dead-letters/jobs.js';
import { createDeadLetters, type DeadLetters } from './dead-letters/service.js';
import { dlqTopicsOf, loadDeadLetterSettings } from './dead-letters/settings.js';
import { createFakeLedger } from './testing/fake-reader.js';

// The dead-letter admin routes over Fastify's request handling (inject): who may call them,
// what they refuse before Kafka is asked, and their 503s without Kafka or with Kafka down.
const READER = 'tok_reader_0123456789ab';
const ADMIN = 'adm_0123456789abcdefghij';
const log = createLogger({ name: 'dead-letters-test', level: 'silent' });
const TOPIC = 'sources.events.dlq';
const JOB = '3f1e9a52-7c1b-4e0a-9d55-0c9f3b1a2e44';

/** The admin routes' database is never reached by the dead-letter routes. */
const UNUSED_DS = {
  query: async () => {
    throw new Error('the database must not be used');
  },
} as unknown as DataSource;

/** Records every call: a refused request must never reach the Kafka side. */
function recording(): DeadLetters & { calls: string[] } {
  const calls: string[] = [];
  const no = (name: string) => async () => {
    calls.push(name);
    throw new Error(`${name} must not be called`);
  };
  return {
    calls,
    topics: no('topics'),
    list: no('list'),
    redrive: no('redrive'),
    job: (id) => {
      calls.push(`job ${id}`);
      return undefined;
    },
    close: async () => undefined,
  };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(opts: { deadLetters?: DeadLetters; admin?: boolean } = {}): Promise<FastifyInstance> {
  app = await buildApp({
    config: { EVENTS_API_TOKENS: [READER], ADMIN_API_TOKENS: opts.admin === false ? [] : [ADMIN] },
    ledger: createFakeLedger([]),
    parts: [],
    log,
    ready: async () => true,
    dataSource: UNUSED_DS,
    ...(opts.deadLetters ? { deadLetters: opts.deadLetters } : {}),
  });
  return app;
}

const ROUTES: Array<{ method: 'GET' | 'POST'; url: string; payload?: unknown }> = [
  { method: 'GET', url: '/dead-letters' },
  { method: 'GET', url: `/dead-letters/${TOPIC}` },
  { method: 'POST', url: `/dead-letters/${TOPIC}/redrive`, payload: {} },
  { method: 'GET', url: `/dead-letters/jobs/${JOB}` },
];

const call = (a: FastifyInstance, r: (typeof ROUTES)[number], token?: string) =>
  a.inject({
    method: r.method,
    url: r.url,
    ...(r.payload !== undefined ? { payload: r.payload as object } : {}),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('who may call the dead-letter routes', () => {
  it('401 without a token and 403 admin_required for a reader token, before Kafka is asked', async () => {
    const dl = recording();
    const a = await build({ deadLetters: dl });
    for (const r of ROUTES) {
      const none = await call(a, r);
      expect(none.statusCode, r.url).toBe(401);
      expect(none.json()).toEqual({ code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' });
      const reader = await call(a, r, READER);
      expect(reader.statusCode, r.url).toBe(403);
      expect(reader.json()).toMatchObject({ code: 'admin_required' });
    }
    expect(dl.calls).toEqual([]);
  });

  it('404 admin_api_disabled while ADMIN_API_TOKENS is unset', async () => {
    const dl = recording();
    const a = await build({ deadLetters: dl, admin: false });
    for (const r of ROUTES) {
      const res = await call(a, r, READER);
      expect(res.statusCode, r.url).toBe(404);
      expect(res.json()).toMatchObject({ code: 'admin_api_disabled' });
    }
    expect(dl.calls).toEqual([]);
  });
});

describe('without Kafka', () => {
  it('every route answers 503 KAFKA_NOT_CONFIGURED naming KAFKA_BROKERS', async () => {
    const a = await build();
    for (const r of ROUTES) {
      const res = await call(a, r, ADMIN);
      expect(res.statusCode, r.url).toBe(503);
      expect(res.json()).toEqual({ code: 'KAFKA_NOT_CONFIGURED', message: expect.stringContaining('set KAFKA_BROKERS') as string });
    }
  });

  it('a broker that does not answer is 503 KAFKA_UNAVAILABLE, not a 500', async () => {
    // A port that refuses connections: nothing listens on it once the server is closed.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const kafka = createKafka({ brokers: [`127.0.0.1:${port}`], clientId: 'dead-letters-test', log, retries: 0, connectionTimeoutMs: 500 });
    const deadLetters = createDeadLetters({ kafka, topics: [{ provider: 'sources', dlq: TOPIC, target: 'sources.events' }], log });
    const a = await build({ deadLetters });
    const res = await call(a, ROUTES[0] as (typeof ROUTES)[number], ADMIN);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'KAFKA_UNAVAILABLE' });
    await deadLetters.close();
  });
});

describe('what the routes refuse before Kafka is asked', () => {
  const cases: Array<[string, { method: 'GET' | 'POST'; url: string; payload?: unknown }, number, RegExp]> = [
    ['a limit of 0', { method: 'GET', url: `/dead-letters/${TOPIC}?limit=0` }, 400, /^limit: must be at least 1$/],
    ['a limit over 500', { method: 'GET', url: `/dead-letters/${TOPIC}?limit=501` }, 400, /^limit: must be at most 500$/],
    ['a malformed page position', { method: 'GET', url: `/dead-letters/${TOPIC}?after=3-17` }, 400, /^after: /],
    ['a time without a zone', { method: 'GET', url: `/dead-letters/${TOPIC}?since=2026-12-01T08:00:00` }, 400, /^since: must be an ISO-8601 date-time/],
    [
      'until before since',
      { method: 'GET', url: `/dead-letters/${TOPIC}?since=2026-12-01T08:00:00Z&until=2026-12-01T07:00:00Z` },
      400,
      /^until is before since$/,
    ],
    ['an unknown parameter', { method: 'GET', url: `/dead-letters/${TOPIC}?partition=1` }, 400, /^partition: unknown parameter$/],
    ['a topic name Kafka cannot have', { method: 'GET', url: '/dead-letters/bad%20topic' }, 400, /^topic: /],
    ['an empty selection', { method: 'POST', url: `/dead-letters/${TOPIC}/redrive`, payload: { offsets: [] } }, 422, /offsets/],
    [
      'an offset that is not a number',
      { method: 'POST', url: `/dead-letters/${TOPIC}/redrive`, payload: { offsets: [{ partition: 0, offset: '1e3' }] } },
      422,
      /offsets\/0\/offset/,
    ],
    [
      'a negative partition',
      { method: 'POST', url: `/dead-letters/${TOPIC}/redrive`, payload: { offsets: [{ partition: -1, offset: '3' }] } },
      422,
      /partition/,
    ],
    [
      'an unknown body field',
      { method: 'POST', url: `/dead-letters/${TOPIC}/redrive`, payload: { count: 3 } },
      422,
      /takes offsets \(a selection\) or since and\/or until/,
    ],
    [
      'a selection and a time range at once',
      { method: 'POST', url: `/dead-letters/${TOPIC}/redrive`, payload: { offsets: [{ partition: 0, offset: '3' }], since: '2026-12-01T08:00:00Z' } },
      400,
      /^give offsets or a time range \(since\/until\), not both$/,
    ],
    [
      'a range ending before it starts',
      { method: 'POST', url: `/dead-letters/${TOPIC}/redrive`, payload: { since: '2026-12-02T00:00:00Z', until: '2026-12-01T00:00:00Z' } },
      400,
      /^until is before since$/,
    ],
    ['a job id that is not one', { method: 'GET', url: '/dead-letters/jobs/12' }, 400, /^id: must be a job id$/],
  ];

  it.each(cases)('%s', async (_name, r, status, message) => {
    const dl = recording();
    const a = await build({ deadLetters: dl });
    const res = await call(a, r, ADMIN);
    expect(res.statusCode, res.body).toBe(status);
    const body = res.json<{ code: string; message: string }>();
    expect(typeof body.code).toBe('string');
    expect(body.message).toMatch(message);
    expect(dl.calls).toEqual([]);
  });

  it('an unknown job is 404 JOB_UNKNOWN', async () => {
    const dl = recording();
    const a = await build({ deadLetters: dl });
    const res = await call(a, ROUTES[3] as (typeof ROUTES)[number], ADMIN);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'JOB_UNKNOWN' });
    expect(dl.calls).toEqual([`job ${JOB}`]);
  });
});

describe('settings', () => {
  it("finds each provider's DLQ topic under the processor's setting names and defaults", () => {
    expect(dlqTopicsOf(loadDeadLetterSettings({}))).toEqual([{ provider: 'hubspot', dlq: 'hubspot.events.dlq', target: 'hubspot.events' }]);
    const s = loadDeadLetterSettings({
      PROVIDERS: 'hubspot,sources,crm,location',
      KAFKA_TOPIC: 'hs.in',
      KAFKA_DLQ_TOPIC: 'hs.dead',
      SOURCES_KAFKA_TOPIC: 'src.in',
    });
    expect(dlqTopicsOf(s)).toEqual([
      { provider: 'hubspot', dlq: 'hs.dead', target: 'hs.in' },
      { provider: 'sources', dlq: 'src.in.dlq', target: 'src.in' },
      { provider: 'crm', dlq: 'crm.events.dlq', target: 'crm.events' },
      { provider: 'location', dlq: 'location.events.dlq', target: 'location.events' },
    ]);
  });

  it('no Kafka side without KAFKA_BROKERS; a bad setting stops start-up naming it', () => {
    expect(deadLettersFromEnv({}, log)).toBeUndefined();
    expect(() => deadLettersFromEnv({ KAFKA_BROKERS: 'b:9092', SOURCES_KAFKA_TOPIC: 'no spaces' }, log)).toThrowError(
      /^SOURCES_KAFKA_TOPIC: must be a valid Kafka topic name$/,
    );
    expect(() => deadLettersFromEnv({ KAFKA_BROKERS: 'b:9092', KAFKA_SSL_CA_FILE: '/ca.pem' }, log)).toThrowError(/KAFKA_SSL/);
  });
});

describe('the job book', () => {
  it('keeps the running jobs and the last 50 finished ones', () => {
    const book = createJobBook(() => 0);
    const first = book.start('a.dlq', 'range', { total: 1, passedOver: 0 });
    book.finish(first, 'done');
    const running = book.start('b.dlq', 'selection', { total: 2, passedOver: 0 });
    for (let i = 0; i < 60; i++) book.finish(book.start('c.dlq', 'range', { total: 0, passedOver: 0 }), 'done');
    expect(book.get(first.id)).toBeUndefined();
    expect(book.get(running.id)?.state).toBe('running');
    expect(book.running()).toBe(running);
    expect(book.latest('b.dlq')).toBe(running);
    expect(book.latest('c.dlq')?.state).toBe('done');
  });
});
