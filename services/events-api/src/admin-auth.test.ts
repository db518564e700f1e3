import { Writable } from 'node:stream';
import { createLogger } from '@hookstream/observability';
import type { DataSource } from '@hookstream/store';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_REDACT_PATHS, parseAdminTokens } from './admin-auth.js';
import { buildApp, type EventsApiDeps } from './app.js';
import { ConfigError } from './config.js';
import { createFakeReader, fakeHubSpotApi, storedEvent } from './testing/fake-reader.js';

const READER = 'tok_reader_0123456789ab';
const SCOPED = 'tok_scoped_0123456789ab';
const ADMIN = 'adm_0123456789abcdefghij';
const ADMIN2 = 'adm_second_0123456789ab';

/** Never reached by the auth tests: the hooks answer before any handler reads the database. */
const UNUSED_DS = {
  query: async () => {
    throw new Error('the database must not be used');
  },
} as unknown as DataSource;

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, stream };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(over: Partial<EventsApiDeps> & { admin?: string[] } = {}) {
  const log = capture();
  const { admin = [ADMIN, ADMIN2], ...rest } = over;
  const api = fakeHubSpotApi(createFakeReader([storedEvent({ id: 1, occurredAt: 1_700_000_000_000, portalId: 100 })]));
  app = await buildApp({
    config: { EVENTS_API_TOKENS: [READER, `${SCOPED}@portals=100`], ADMIN_API_TOKENS: admin },
    ...api,
    log: createLogger({ name: 'test', level: 'trace', destination: log.stream, redactPaths: ADMIN_REDACT_PATHS }),
    ready: async () => true,
    dataSource: UNUSED_DS,
    ...rest,
  });
  return { app, log };
}

const ADMIN_ROUTES: Array<[method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string]> = [
  ['GET', '/endpoints'],
  ['POST', '/endpoints'],
  ['GET', '/endpoints/ep_abc'],
  ['PATCH', '/endpoints/ep_abc'],
  ['DELETE', '/endpoints/ep_abc'],
  ['POST', '/endpoints/ep_abc/rotate-secret'],
  ['GET', '/endpoints/ep_abc/deliveries'],
  ['POST', '/endpoints/ep_abc/deliveries/5/retry'],
  ['POST', '/endpoints/ep_abc/retry'],
  ['GET', '/events/5/deliveries'],
];

async function call(a: FastifyInstance, method: string, url: string, token?: string) {
  const res = await a.inject({
    method: method as 'GET',
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(method === 'POST' || method === 'PATCH' ? { payload: {} } : {}),
  });
  return { status: res.statusCode, body: res.body ? (res.json() as Record<string, unknown>) : {} };
}

describe('admin API authentication', () => {
  it('answers 401 without a known token and 403 admin_required to reader tokens, scoped or not, on every admin route', async () => {
    const { app, log } = await build();
    for (const [method, url] of ADMIN_ROUTES) {
      expect(await call(app, method, url), `${method} ${url}`).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
      expect(await call(app, method, url, 'adm_unknown_0123456789'), `${method} ${url}`).toMatchObject({ status: 401 });
      for (const reader of [READER, SCOPED]) {
        const r = await call(app, method, url, reader);
        expect(r, `${method} ${url}`).toMatchObject({ status: 403, body: { code: 'admin_required' } });
        expect(String(r.body.message)).toMatch(/admin token/);
      }
    }
    expect(log.lines.join('')).not.toContain(READER);
    expect(log.lines.join('')).not.toContain(ADMIN);
  });

  it('lets admin tokens read the reader routes with full scope', async () => {
    const { app } = await build();
    for (const token of [ADMIN, ADMIN2]) {
      const r = await call(app, 'GET', '/events', token);
      expect(r.status).toBe(200);
      expect((r.body.events as unknown[]).length).toBe(1);
      // A scoped reader may read portal 100 only; the admin any portal.
      expect((await call(app, 'GET', '/events?portalId=555', token)).status).toBe(200);
    }
    expect((await call(app, 'GET', '/events?portalId=555', SCOPED)).status).toBe(403);
  });

  it('answers 404 admin_api_disabled on the admin routes while ADMIN_API_TOKENS is unset; reader routes are unchanged', async () => {
    const { app } = await build({ admin: [], dataSource: undefined });
    for (const [method, url] of ADMIN_ROUTES) {
      const r = await call(app, method, url, READER);
      expect(r, `${method} ${url}`).toMatchObject({ status: 404, body: { code: 'admin_api_disabled' } });
      expect(String(r.body.message)).toContain('ADMIN_API_TOKENS');
      expect((await call(app, method, url)).status).toBe(401);
    }
    expect((await call(app, 'GET', '/events', READER)).status).toBe(200);
    expect((await call(app, 'GET', '/events', ADMIN)).status).toBe(401);
  });

  it('refuses short, scoped or shared admin tokens at build time without echoing them', async () => {
    for (const [admin, message] of [
      [['short-admin-tok'], 'ADMIN_API_TOKENS: each token must be at least 16 characters'],
      [[`${ADMIN}@providers=hubspot`], 'ADMIN_API_TOKENS: admin tokens take no @scope (they read and manage everything) and cannot contain @'],
      [[ADMIN, READER], 'ADMIN_API_TOKENS: entry 2 is also an EVENTS_API_TOKENS token; admin and reader tokens must differ'],
    ] as const) {
      const err = await build({ admin: [...admin] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(message);
      expect((err as Error).message).not.toContain('short-admin-tok');
      expect((err as Error).message).not.toContain(READER);
    }
    await expect(build({ dataSource: undefined })).rejects.toThrow(/needs the dataSource/);
  });

  it('checks tokens with the usual rules', () => {
    expect(parseAdminTokens([])).toBeUndefined();
    expect(parseAdminTokens([ADMIN])).toBeUndefined();
    expect(parseAdminTokens(['x'.repeat(15)])).toMatch(/at least 16/);
    expect(parseAdminTokens([`${'x'.repeat(16)}é`])).toMatch(/printable ASCII/);
  });
});

describe('secrets never reach a log', () => {
  /**
   * A DataSource whose statements fail the way the driver fails: the error carries the SQL and
   * its parameters (the new secret among them). What the handler logs must not hold them.
   */
  function failingDataSource(seen: unknown[][]): DataSource {
    const runner = {
      isTransactionActive: false,
      connect: async () => undefined,
      startTransaction: async () => undefined,
      commitTransaction: async () => undefined,
      rollbackTransaction: async () => undefined,
      release: async () => undefined,
      query: async (sql: string, params: unknown[] = []) => {
        seen.push(params);
        if (/INSERT INTO endpoint_secrets/.test(sql)) {
          throw Object.assign(new Error(`Data too long for column 'secret' (${params.map(String).join(', ')})`), {
            code: 'ER_DATA_TOO_LONG',
            query: sql,
            parameters: params,
            sql: `${sql} -- ${params.map(String).join(', ')}`,
          });
        }
        if (/FOR UPDATE|COALESCE\(MAX\(secret_no\)/.test(sql)) return [{ id: 'ep_abc', n: 1 }];
        return [{ id: 0 }];
      },
    };
    const endpointRow = {
      id: 'ep_abc',
      url: 'https://hooks.example.com/in',
      description: '',
      filter: '{}',
      rate_limit_per_second: null,
      max_in_flight: null,
      ordered: 0,
      enabled: 1,
      disabled_reason: null,
      disabled_at: null,
      failing_since: null,
      origin: 'api',
      start_after: 0,
      created_at: 1,
      updated_at: 1,
    };
    return {
      createQueryRunner: () => runner,
      query: async (sql: string) => (/FROM endpoints/.test(sql) ? [endpointRow] : []),
    } as unknown as DataSource;
  }

  it('answers 500 without the secret and logs the failure without its statement or parameters', async () => {
    const seen: unknown[][] = [];
    const { app, log } = await build({ dataSource: failingDataSource(seen), resolve: async () => ['93.184.215.14'] });
    const created = await app.inject({
      method: 'POST',
      url: '/endpoints',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: { url: 'https://hooks.example.com/in' },
    });
    const rotated = await app.inject({ method: 'POST', url: '/endpoints/ep_abc/rotate-secret', headers: { authorization: `Bearer ${ADMIN}` } });
    const secrets = seen.flat().filter((v): v is string => typeof v === 'string' && v.startsWith('whsec_'));
    expect(secrets).toHaveLength(2);
    for (const res of [created, rotated]) {
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ code: 'INTERNAL', message: 'internal error' });
    }
    const logged = log.lines.join('');
    expect(logged).toMatch(/create endpoint failed \(ER_DATA_TOO_LONG\)/);
    expect(logged).toMatch(/rotate endpoint secret failed \(ER_DATA_TOO_LONG\)/);
    for (const s of secrets) {
      expect(logged).not.toContain(s);
      expect(logged).not.toContain(s.slice(6));
    }
    expect(logged).not.toContain(ADMIN);
  });
});
