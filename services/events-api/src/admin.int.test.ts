import { Writable } from 'node:stream';
import {
  createDeliveryStore,
  createEndpointStore,
  EndpointInputSchema,
  generateSecret,
  webhookId,
  type AttemptResult,
  type DeliveryState,
} from '@hookstream/deliveries';
import { createLogger } from '@hookstream/observability';
import { createLedgerReader } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { testDatabase } from '@hookstream/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_REDACT_PATHS } from './admin-auth.js';
import { buildApp } from './app.js';

const READER = 'reader-token-0123456789';
const ADMIN = 'admin-token-0123456789ab';
const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;

/** Public and private names without DNS: the guard sees what a resolver would answer. */
const HOSTS: Record<string, string[]> = {
  'hooks.example.com': ['93.184.215.14'],
  'other.example.com': ['93.184.215.15'],
  'internal.example.com': ['93.184.215.16', '10.0.0.5'],
};
const resolve = async (host: string): Promise<string[]> => {
  const found = HOSTS[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body: Json;
  text: string;
  headers: Record<string, unknown>;
}

describe('the admin API on the real database', () => {
  let store: MigratedStore;
  /** Default guard settings: https only, public addresses only, 24 h overlap. */
  let strict: FastifyInstance;
  /** DELIVERY_ALLOW_PRIVATE_NETWORKS + DELIVERY_ALLOW_HTTP, 1 h overlap. */
  let local: FastifyInstance;
  let clock = T0;
  const logLines: string[] = [];

  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase());
    const log = createLogger({
      name: 'admin-int',
      level: 'trace',
      redactPaths: ADMIN_REDACT_PATHS,
      destination: new Writable({
        write(chunk: Buffer, _enc, cb) {
          logLines.push(chunk.toString());
          cb();
        },
      }),
    });
    const common = {
      ledger: createLedgerReader(store.ds),
      parts: [],
      log,
      ready: async () => true,
      dataSource: store.ds,
      now: () => clock,
      resolve,
    };
    strict = await buildApp({ ...common, config: { EVENTS_API_TOKENS: [READER], ADMIN_API_TOKENS: [ADMIN] } });
    local = await buildApp({
      ...common,
      config: {
        EVENTS_API_TOKENS: [READER],
        ADMIN_API_TOKENS: [ADMIN],
        DELIVERY_ALLOW_PRIVATE_NETWORKS: true,
        DELIVERY_ALLOW_HTTP: true,
        ENDPOINT_SECRET_OVERLAP: HOUR,
      },
    });
  });

  afterAll(async () => {
    await strict?.close();
    await local?.close();
    await store?.close();
  });

  async function call(app: FastifyInstance, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, token = ADMIN): Promise<Answer> {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as Json } : {}) });
    return { status: res.statusCode, body: res.body ? (res.json() as Json) : {}, text: res.body, headers: res.headers };
  }

  async function create(body: Json, app = strict): Promise<Json & { id: string; secret: string }> {
    const r = await call(app, 'POST', '/endpoints', body);
    expect(r.status, r.text).toBe(201);
    return r.body as Json & { id: string; secret: string };
  }

  describe('endpoints', () => {
    it('answers the secret once, at creation; no read shows it', async () => {
      clock = T0;
      const r = await call(strict, 'POST', '/endpoints', {
        url: 'https://hooks.example.com/in',
        description: 'orders',
        filter: { providers: ['sources'], types: ['order.*'], match: { 'data.status': 'paid' } },
        rateLimitPerSecond: 50,
        ordered: true,
      });
      expect(r.status).toBe(201);
      const created = r.body as Json & { id: string; secret: string };
      expect(created.id).toMatch(/^ep_[a-z2-7]{26}$/);
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(r.headers.location).toBe(`/endpoints/${created.id}`);
      expect(created).toMatchObject({
        url: 'https://hooks.example.com/in',
        description: 'orders',
        filter: { providers: ['sources'], types: ['order.*'], match: { 'data.status': 'paid' } },
        rateLimitPerSecond: 50,
        maxInFlight: null,
        ordered: true,
        enabled: true,
        origin: 'api',
        disabledReason: null,
        createdAt: new Date(T0).toISOString(),
      });

      // The stored secret is the one answered, and it is what signs.
      const signing = (await createEndpointStore(store.ds).listSigning(T0)).find((s) => s.endpoint.id === created.id);
      expect(signing?.secrets).toEqual([created.secret]);

      const one = await call(strict, 'GET', `/endpoints/${created.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: created.id, health: { deliveries: { pending: 0, succeeded: 0, dead: 0 }, failingSince: null } });
      const list = await call(strict, 'GET', '/endpoints?limit=1000');
      expect((list.body.endpoints as Json[]).map((e) => e.id)).toContain(created.id);
      for (const read of [one, list]) {
        expect(read.text).not.toContain(created.secret);
        expect(read.text).not.toContain('"secret"');
      }
      expect(logLines.join('')).not.toContain(created.secret);
      expect(logLines.join('')).not.toContain(ADMIN);
    });

    it('refuses invalid bodies with 422 and a JSON pointer per failure', async () => {
      const r = await call(strict, 'POST', '/endpoints', {
        url: 5,
        rateLimitPerSecond: 0,
        maxInFlight: 2.5,
        ordered: 'yes',
        colour: 'red',
        filter: { types: 'order.paid', hosts: [] },
      });
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('invalid_request');
      const errors = r.body.errors as Array<{ path: string; message: string }>;
      expect(Object.fromEntries(errors.map((e) => [e.path, e.message]))).toEqual({
        '/url': 'expected a string, got number',
        '/rateLimitPerSecond': 'must be at least 1',
        '/maxInFlight': 'must be an integer',
        '/ordered': 'expected a boolean, got string',
        '/colour': 'unknown field',
        '/filter/types': 'expected an array, got string',
        '/filter/hosts': 'unknown field',
      });

      // A long filter (over the read routes' 16 KiB body limit) is still a valid definition.
      const types = Array.from({ length: 200 }, (_, i) => `type.${String(i).padStart(3, '0')}.${'x'.repeat(100)}`);
      const big = await create({ url: 'https://hooks.example.com/big', filter: { types } });
      expect((big.filter as { types: string[] }).types).toEqual(types);

      const missing = await call(strict, 'POST', '/endpoints', {});
      expect(missing).toMatchObject({ status: 422, body: { errors: [{ path: '/url', message: 'is required' }] } });

      const filter = await call(strict, 'POST', '/endpoints', { url: 'https://hooks.example.com/in', filter: { match: { 'data..status': 1, 'a/b': 2 } } });
      expect(filter.status).toBe(422);
      expect(filter.body.code).toBe('invalid_filter');
      expect((filter.body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual(['/filter/match/data..status', '/filter/match/a~1b']);
    });

    it('refuses URLs that reach this network (SSRF) unless the settings allow private networks and http', async () => {
      const refused = async (app: FastifyInstance, url: string, code: string, message: RegExp) => {
        const r = await call(app, 'POST', '/endpoints', { url });
        expect(r.status, `${url}: ${r.text}`).toBe(422);
        expect(r.body.code).toBe(code);
        expect(String(r.body.message)).toMatch(message);
        expect(r.body.errors).toEqual([{ path: '/url', message: r.body.message }]);
      };
      await refused(strict, 'http://127.0.0.1:9/hook', 'destination_refused', /must use https/);
      await refused(strict, 'https://127.0.0.1/hook', 'destination_refused', /127\.0\.0\.1 \(loopback\)/);
      await refused(strict, 'https://[::ffff:127.0.0.1]/hook', 'destination_refused', /loopback/);
      await refused(strict, 'https://internal.example.com/hook', 'destination_refused', /10\.0\.0\.5 \(private\)/);
      await refused(strict, 'https://169.254.169.254/latest/meta-data/', 'destination_refused', /cloud metadata/);
      await refused(strict, 'https://user:pw@hooks.example.com/', 'destination_refused', /credentials/);
      await refused(strict, 'ftp://hooks.example.com/', 'destination_refused', /http\(s\)/);
      await refused(strict, 'https://nowhere.example.com/', 'destination_unresolvable', /does not resolve/);

      // Allowed for local set-ups: loopback over http...
      const ok = await create({ url: 'http://127.0.0.1:9/hook' }, local);
      expect(ok.url).toBe('http://127.0.0.1:9/hook');
      await create({ url: 'http://internal.example.com/hook' }, local);
      // ...but never the metadata service.
      await refused(local, 'http://169.254.169.254/', 'destination_refused', /cloud metadata/);
      await refused(local, 'http://[fd00:ec2::254]/', 'destination_refused', /cloud metadata/);
    });

    it('changes endpoints with PATCH (URL checked again), deletes them, and answers 404 for unknown ids', async () => {
      clock = T0 + 1000;
      const e = await create({ url: 'https://hooks.example.com/a', description: 'before' });
      clock = T0 + 2000;
      const patched = await call(strict, 'PATCH', `/endpoints/${e.id}`, {
        description: 'after',
        url: 'https://other.example.com/b',
        filter: { types: ['x.*'] },
        maxInFlight: 4,
      });
      expect(patched.status, patched.text).toBe(200);
      expect(patched.body).toMatchObject({
        id: e.id,
        description: 'after',
        url: 'https://other.example.com/b',
        filter: { types: ['x.*'] },
        maxInFlight: 4,
        updatedAt: new Date(T0 + 2000).toISOString(),
      });
      expect(patched.text).not.toContain(e.secret);

      const ssrf = await call(strict, 'PATCH', `/endpoints/${e.id}`, { url: 'https://internal.example.com/x' });
      expect(ssrf).toMatchObject({ status: 422, body: { code: 'destination_refused' } });
      expect((await call(strict, 'GET', `/endpoints/${e.id}`)).body.url).toBe('https://other.example.com/b');
      expect(await call(strict, 'PATCH', `/endpoints/${e.id}`, {})).toMatchObject({ status: 422, body: { errors: [{ path: '' }] } });
      expect(await call(strict, 'PATCH', `/endpoints/${e.id}`, { secret: 'whsec_x' })).toMatchObject({
        status: 422,
        body: { errors: [{ path: '/secret', message: 'unknown field' }] },
      });

      const off = await call(strict, 'PATCH', `/endpoints/${e.id}`, { enabled: false });
      expect(off.body).toMatchObject({ enabled: false, disabledAt: new Date(T0 + 2000).toISOString() });
      const on = await call(strict, 'PATCH', `/endpoints/${e.id}`, { enabled: true });
      expect(on.body).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });

      const del = await call(strict, 'DELETE', `/endpoints/${e.id}`);
      expect(del.status).toBe(204);
      expect(del.text).toBe('');
      for (const [method, url, body] of [
        ['GET', `/endpoints/${e.id}`],
        ['PATCH', `/endpoints/${e.id}`, { description: 'x' }],
        ['DELETE', `/endpoints/${e.id}`],
        ['POST', `/endpoints/${e.id}/rotate-secret`],
        ['GET', `/endpoints/${e.id}/deliveries`],
        ['POST', `/endpoints/${e.id}/retry`, {}],
        ['GET', '/endpoints/ep_doesnotexist'],
        ['GET', '/endpoints/not-an-id'],
      ] as const) {
        const r = await call(strict, method, url, body);
        expect(r, `${method} ${url}`).toMatchObject({ status: 404, body: { code: 'endpoint_not_found' } });
      }
      expect(((await call(strict, 'GET', '/endpoints?limit=1000')).body.endpoints as Json[]).map((x) => x.id)).not.toContain(e.id);
    });

    it('pages the list with an opaque cursor in `next`', async () => {
      for (let i = 0; i < 5; i++) await create({ url: `https://hooks.example.com/page/${i}` });
      const all = ((await call(strict, 'GET', '/endpoints?limit=1000')).body.endpoints as Json[]).map((e) => e.id);
      expect(all.length).toBeGreaterThanOrEqual(5);
      const paged: unknown[] = [];
      let next: string | null = null;
      let pages = 0;
      do {
        const r = await call(strict, 'GET', `/endpoints?limit=2${next ? `&cursor=${next}` : ''}`);
        expect(r.status).toBe(200);
        paged.push(...(r.body.endpoints as Json[]).map((e) => e.id));
        next = r.body.next as string | null;
        pages++;
      } while (next);
      expect(paged).toEqual(all);
      expect(pages).toBe(Math.ceil(all.length / 2));
      expect(await call(strict, 'GET', '/endpoints?limit=1001')).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
      expect(await call(strict, 'GET', '/endpoints?cursor=nope!')).toMatchObject({ status: 400, body: { message: 'cursor: malformed cursor' } });
    });

    it('keeps endpoints declared in the config file read-only except enabled', async () => {
      const secret = generateSecret();
      await createEndpointStore(store.ds).syncConfigured(
        [{ id: 'ep_orders', secret, input: EndpointInputSchema.parse({ url: 'https://hooks.example.com/orders', description: 'from the file' }) }],
        T0,
      );
      const got = await call(strict, 'GET', '/endpoints/ep_orders');
      expect(got.body).toMatchObject({ id: 'ep_orders', origin: 'config', description: 'from the file' });
      expect(got.text).not.toContain(secret);

      for (const [method, url, body] of [
        ['PATCH', '/endpoints/ep_orders', { description: 'mine now' }],
        ['PATCH', '/endpoints/ep_orders', { enabled: false, url: 'https://other.example.com/' }],
        ['DELETE', '/endpoints/ep_orders'],
        ['POST', '/endpoints/ep_orders/rotate-secret'],
      ] as const) {
        const r = await call(strict, method, url, body);
        expect(r, `${method} ${url}`).toMatchObject({ status: 409, body: { code: 'endpoint_managed_by_config' } });
        expect(r.text).not.toContain(secret);
      }
      const off = await call(strict, 'PATCH', '/endpoints/ep_orders', { enabled: false });
      expect(off).toMatchObject({ status: 200, body: { enabled: false, description: 'from the file' } });
      expect((await call(strict, 'PATCH', '/endpoints/ep_orders', { enabled: true })).body.enabled).toBe(true);
      const signing = (await createEndpointStore(store.ds).listSigning(T0)).find((s) => s.endpoint.id === 'ep_orders');
      expect(signing?.secrets).toEqual([secret]);
    });

    it('rotates secrets: both sign, newest first, during the overlap; only the new one after it', async () => {
      clock = T0 + 10_000;
      const e = await create({ url: 'http://127.0.0.1:9/rotate' }, local);
      clock = T0 + 20_000;
      const r = await call(local, 'POST', `/endpoints/${e.id}/rotate-secret`);
      expect(r.status).toBe(200);
      const rotated = r.body as { endpointId: string; secret: string; previousSecretsExpireAt: string };
      expect(rotated.endpointId).toBe(e.id);
      expect(rotated.secret).toMatch(/^whsec_/);
      expect(rotated.secret).not.toBe(e.secret);
      // ENDPOINT_SECRET_OVERLAP of this app: 1 h.
      expect(rotated.previousSecretsExpireAt).toBe(new Date(T0 + 20_000 + HOUR).toISOString());

      const secretsAt = async (now: number) => (await createEndpointStore(store.ds).listSigning(now)).find((s) => s.endpoint.id === e.id)?.secrets;
      expect(await secretsAt(T0 + 20_001)).toEqual([rotated.secret, e.secret]);
      expect(await secretsAt(T0 + 20_000 + HOUR - 1)).toEqual([rotated.secret, e.secret]);
      expect(await secretsAt(T0 + 20_000 + HOUR + 1)).toEqual([rotated.secret]);

      const read = await call(local, 'GET', `/endpoints/${e.id}`);
      expect(read.text).not.toContain(rotated.secret);
      expect(read.text).not.toContain(e.secret);
      expect(logLines.join('')).not.toContain(rotated.secret);

      // The default overlap (strict app) is 24 h.
      const d = await create({ url: 'https://hooks.example.com/rotate' });
      const r24 = await call(strict, 'POST', `/endpoints/${d.id}/rotate-secret`);
      expect(r24.body.previousSecretsExpireAt).toBe(new Date(clock + 24 * HOUR).toISOString());
    });
  });

  describe('delivery log and retries', () => {
    const deliveries = () => createDeliveryStore(store.ds);

    /** One attempt's result, as the dispatcher records it. */
    const attempt = (
      endpointId: string,
      eventId: number,
      n: number,
      at: number,
      how: { state: DeliveryState; status: number | null; outcome: AttemptResult['attempt']['outcome']; error?: string; next?: number },
    ): AttemptResult => ({
      attempt: {
        endpointId,
        eventId,
        attempt: n,
        startedAt: at,
        latencyMs: 10 + n,
        outcome: how.outcome,
        status: how.status,
        error: how.error ?? null,
        responseSnippet: how.status === null ? null : `answer ${how.status}`,
      },
      state: how.state,
      roundAttempts: n,
      nextAttemptAt: how.next ?? at,
    });

    /** 25 deliveries to E: events 1-10 succeeded, 11-20 dead after a 500 and a timeout, 21-25 pending after a 503. */
    let E: string;
    let F: string;
    beforeAll(async () => {
      E = (await create({ url: 'https://hooks.example.com/log' })).id;
      F = (await create({ url: 'https://other.example.com/log' })).id;
      const ids = Array.from({ length: 25 }, (_, i) => i + 1);
      await deliveries().enqueue(
        ids.map((eventId) => ({ endpointId: E, eventId })),
        T0,
      );
      await deliveries().enqueue([{ endpointId: F, eventId: 15 }], T0);
      await deliveries().record(
        ids.map((id) =>
          id <= 10
            ? attempt(E, id, 1, T0 + 100, { state: 'succeeded', status: 200, outcome: 'succeeded' })
            : id <= 20
              ? attempt(E, id, 1, T0 + 100, { state: 'pending', status: 500, outcome: 'failed', next: T0 + 5000 })
              : attempt(E, id, 1, T0 + 100, { state: 'pending', status: 503, outcome: 'failed', next: T0 + 60_000 }),
        ),
        T0 + 100,
      );
      await deliveries().record(
        ids
          .filter((id) => id > 10 && id <= 20)
          .map((id) => attempt(E, id, 2, T0 + 5000, { state: 'dead', status: null, outcome: 'timeout', error: 'no answer within 15000 ms' })),
        T0 + 5000,
      );
    });

    const pageAll = async (url: string): Promise<Json[]> => {
      const out: Json[] = [];
      let next: string | null = null;
      do {
        const r = await call(strict, 'GET', `${url}${url.includes('?') ? '&' : '?'}${next ? `cursor=${next}` : ''}`);
        expect(r.status, r.text).toBe(200);
        out.push(...(r.body.deliveries as Json[]));
        next = r.body.next as string | null;
      } while (next);
      return out;
    };

    it('pages an endpoint’s deliveries newest first, each with its webhook id and attempts', async () => {
      const all = await pageAll(`/endpoints/${E}/deliveries?limit=7`);
      expect(all.map((d) => d.eventId)).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
      for (const d of all) expect(d.webhookId).toBe(webhookId(d.eventId as number, E));

      const dead = all.find((d) => d.eventId === 15);
      expect(dead).toEqual({
        webhookId: webhookId(15, E),
        endpointId: E,
        eventId: 15,
        state: 'dead',
        attemptCount: 2,
        nextAttemptAt: null,
        lastAttemptAt: new Date(T0 + 5000).toISOString(),
        lastStatus: null,
        lastError: 'no answer within 15000 ms',
        createdAt: new Date(T0).toISOString(),
        updatedAt: new Date(T0 + 5000).toISOString(),
        completedAt: new Date(T0 + 5000).toISOString(),
        attempts: [
          {
            attempt: 1,
            at: new Date(T0 + 100).toISOString(),
            status: 500,
            latencyMs: 11,
            outcome: 'failed',
            error: null,
            responseSnippet: 'answer 500',
            externalId: null,
          },
          {
            attempt: 2,
            at: new Date(T0 + 5000).toISOString(),
            status: null,
            latencyMs: 12,
            outcome: 'timeout',
            error: 'no answer within 15000 ms',
            responseSnippet: null,
            externalId: null,
          },
        ],
      });
      expect(all.find((d) => d.eventId === 22)).toMatchObject({
        state: 'pending',
        attemptCount: 1,
        lastStatus: 503,
        nextAttemptAt: new Date(T0 + 60_000).toISOString(),
      });
      expect(all.find((d) => d.eventId === 3)).toMatchObject({ state: 'succeeded', lastStatus: 200, lastError: null, nextAttemptAt: null });
    });

    it('filters by status, and reports per-state counts in the endpoint’s health', async () => {
      expect((await pageAll(`/endpoints/${E}/deliveries?status=dead&limit=3`)).map((d) => d.eventId)).toEqual([20, 19, 18, 17, 16, 15, 14, 13, 12, 11]);
      const pendingDead = await pageAll(`/endpoints/${E}/deliveries?status=pending,dead&limit=4`);
      expect(pendingDead.map((d) => d.eventId)).toEqual(Array.from({ length: 15 }, (_, i) => 25 - i));
      expect(new Set(pendingDead.map((d) => d.state))).toEqual(new Set(['pending', 'dead']));
      expect(await call(strict, 'GET', `/endpoints/${E}/deliveries?status=failed`)).toMatchObject({
        status: 400,
        body: { message: 'status: takes pending, succeeded, dead (comma-separated)' },
      });
      const health = (await call(strict, 'GET', `/endpoints/${E}`)).body.health;
      expect(health).toEqual({ deliveries: { pending: 5, succeeded: 10, dead: 10 }, failingSince: null, disabledReason: null, disabledAt: null });

      // A cursor belongs to its endpoint's log.
      const first = await call(strict, 'GET', `/endpoints/${E}/deliveries?limit=2`);
      const reused = await call(strict, 'GET', `/endpoints/${F}/deliveries?cursor=${String(first.body.next)}`);
      expect(reused).toMatchObject({ status: 400, body: { message: 'cursor: belongs to another endpoint or event; start without a cursor' } });
    });

    it('lists one event’s deliveries to every endpoint', async () => {
      const both = await pageAll('/events/15/deliveries?limit=1');
      expect(both.map((d) => [d.endpointId, d.state, d.webhookId])).toEqual(
        [
          [E, 'dead', webhookId(15, E)],
          [F, 'pending', webhookId(15, F)],
        ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
      );
      expect((await pageAll('/events/15/deliveries?status=dead')).map((d) => d.endpointId)).toEqual([E]);
      expect(await call(strict, 'GET', '/events/999999/deliveries')).toMatchObject({ status: 404, body: { code: 'event_not_found' } });
      expect(await call(strict, 'GET', '/events/abc/deliveries')).toMatchObject({ status: 400 });
      expect((await call(strict, 'GET', '/events/15/deliveries', undefined, READER)).status).toBe(403);
    });

    it('retries one delivery, whatever its state', async () => {
      clock = T0 + 100_000;
      const r = await call(strict, 'POST', `/endpoints/${E}/deliveries/5/retry`);
      expect(r.status, r.text).toBe(200);
      expect(r.body).toMatchObject({
        retried: 1,
        delivery: {
          eventId: 5,
          webhookId: webhookId(5, E),
          state: 'pending',
          attemptCount: 1,
          nextAttemptAt: new Date(T0 + 100_000).toISOString(),
          completedAt: null,
        },
      });
      expect(await deliveries().get(E, 5)).toMatchObject({ state: 'pending', roundAttempts: 0, nextAttemptAt: T0 + 100_000 });
      expect(await call(strict, 'POST', `/endpoints/${E}/deliveries/999/retry`)).toMatchObject({ status: 404, body: { code: 'delivery_not_found' } });
      expect(await call(strict, 'POST', `/endpoints/${E}/deliveries/x/retry`)).toMatchObject({ status: 404, body: { code: 'delivery_not_found' } });
      expect(await call(strict, 'POST', `/endpoints/${F}/deliveries/5/retry`)).toMatchObject({ status: 404, body: { code: 'delivery_not_found' } });
    });

    it('retries all dead deliveries in chunks, `next` pointing at the following chunk', async () => {
      clock = T0 + 200_000;
      const chunks: Json[] = [];
      let after: number | null | undefined;
      do {
        const r = await call(strict, 'POST', `/endpoints/${E}/retry`, { limit: 4, ...(after != null ? { after } : {}) });
        expect(r.status, r.text).toBe(200);
        chunks.push(r.body);
        after = r.body.next as number | null;
      } while (after !== null);
      expect(chunks).toEqual([
        { retried: 4, next: 14 },
        { retried: 4, next: 18 },
        { retried: 2, next: null },
      ]);
      expect(await deliveries().counts(E)).toEqual({ pending: 16, succeeded: 9, dead: 0 });
      const again = await call(strict, 'POST', `/endpoints/${E}/retry`, {});
      expect(again.body).toEqual({ retried: 0, next: null });
    });

    it('retries a created_at range and the states asked for; refuses a bad selection with 422', async () => {
      const G = (await create({ url: 'https://hooks.example.com/range' })).id;
      const batches = [
        { at: T0 + 1000, ids: [101, 102, 103] },
        { at: T0 + 2000, ids: [104, 105, 106] },
        { at: T0 + 3000, ids: [107, 108, 109] },
      ];
      for (const b of batches) {
        await deliveries().enqueue(
          b.ids.map((eventId) => ({ endpointId: G, eventId })),
          b.at,
        );
        await deliveries().record(
          b.ids.map((id) => attempt(G, id, 1, b.at, { state: 'dead', status: 410, outcome: 'gone' })),
          b.at,
        );
      }
      clock = T0 + 300_000;
      const range = await call(strict, 'POST', `/endpoints/${G}/retry`, {
        from: new Date(T0 + 2000).toISOString(),
        to: new Date(T0 + 2000).toISOString(),
        limit: 2,
      });
      expect(range.body).toEqual({ retried: 2, next: 105 });
      const rest = await call(strict, 'POST', `/endpoints/${G}/retry`, { from: new Date(T0 + 2000).toISOString(), to: T0 + 2000, limit: 2, after: 105 });
      expect(rest.body).toEqual({ retried: 1, next: null });
      const states = async () => Object.fromEntries((await deliveries().listByEndpoint(G, { limit: 100 })).map((d) => [d.eventId, d.state]));
      expect(await states()).toEqual({
        101: 'dead',
        102: 'dead',
        103: 'dead',
        104: 'pending',
        105: 'pending',
        106: 'pending',
        107: 'dead',
        108: 'dead',
        109: 'dead',
      });
      // Pending ones only when asked: the default is dead.
      expect((await call(strict, 'POST', `/endpoints/${G}/retry`, { status: ['pending'], from: '2027-01-15T08:00:00Z' })).body).toEqual({
        retried: 3,
        next: null,
      });
      expect((await call(strict, 'POST', `/endpoints/${G}/retry`, { to: new Date(T0 + 1000).toISOString() })).body).toEqual({ retried: 3, next: null });
      expect(await deliveries().counts(G)).toEqual({ pending: 6, succeeded: 0, dead: 3 });

      const bad = await call(strict, 'POST', `/endpoints/${G}/retry`, { status: ['failed'], from: 'yesterday', limit: 10_001, after: -1, colour: 1 });
      expect(bad.status).toBe(422);
      expect((bad.body.errors as Array<{ path: string }>).map((e) => e.path).sort()).toEqual(['/after', '/colour', '/from', '/limit', '/status/0']);
      const order = await call(strict, 'POST', `/endpoints/${G}/retry`, { from: '2027-01-16T00:00:00Z', to: '2027-01-15T00:00:00Z' });
      expect(order).toMatchObject({ status: 422, body: { errors: [{ path: '/to', message: 'must not be before from' }] } });
    });
  });
});
