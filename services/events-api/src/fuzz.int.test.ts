import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@hookstream/observability';
import { hubspotApiPart } from '@hookstream/hubspot';
import { createLedgerReader } from '@hookstream/store';
import { createEventReader, createEventWriter, type NewEvent } from '@hookstream/hubspot';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { makeEvent } from '@hookstream/hubspot/testing';
import { testDatabase } from '@hookstream/testkit';
import { buildApp } from './app.js';

const TOKEN = 'fuzz-test-token-0123456789';
const RUNS = 1500;

/** Text an attacker or a broken client would put into a parameter. */
const HOSTILE = [
  "' OR '1'='1",
  "1' OR 1=1 --",
  '1; DROP TABLE events; --',
  '1 UNION SELECT id, raw FROM events --',
  "62515' AND SLEEP(5)#",
  "contact' OR ''='",
  '0x41',
  '1e308',
  '99999999999999999999999',
  '9007199254740993',
  '-1',
  '-0',
  '0',
  '00000001',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '{"v":1}',
  '',
  ' ',
  '%00',
  '\u0000',
  '\u202e1',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '😀',
  'ä',
  '2026-13-45',
  '2026-01-01T10:00:00',
  '2026-02-30',
  '275760-09-13T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'a'.repeat(5000),
];

const ROUTES = [
  { path: () => '/events', params: ['portalId', 'objectType', 'objectId', 'subscriptionType', 'from', 'to', 'order', 'limit', 'cursor'] },
  { path: () => '/events/changes', params: ['after', 'limit', 'portalId'] },
  { path: (p: string[]) => `/portals/${p[0]}/objects/${p[1]}/${p[2]}`, params: [] },
  { path: (p: string[]) => `/portals/${p[0]}/objects/${p[1]}/${p[2]}/timeline`, params: ['order', 'limit', 'cursor'] },
  { path: (p: string[]) => `/portals/${p[0]}/objects/${p[1]}/${p[2]}/associations`, params: ['includeRemoved', 'limit', 'cursor'] },
  { path: (p: string[]) => `/portals/${p[0]}/contacts/${p[2]}/lifecycle`, params: [] },
  { path: () => '/stats/subscription-types', params: ['portalId', 'from', 'to'] },
] as const;

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

describe('events-api fuzz on the real database', () => {
  let store: MigratedStore;
  let app: FastifyInstance;
  const realCursors: string[] = [];

  /** Per table: row count and CHECKSUM TABLE, i.e. any change to stored data shows. */
  async function snapshot(): Promise<Record<string, string>> {
    const tables = (
      (await store.ds.query('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name')) as Array<{
        t: string;
      }>
    ).map((r) => r.t);
    const out: Record<string, string> = {};
    for (const t of tables) {
      const [count] = (await store.ds.query(`SELECT COUNT(*) AS n FROM \`${t}\``)) as Array<{ n: number | string }>;
      const [sum] = (await store.ds.query(`CHECKSUM TABLE \`${t}\``)) as Array<{ Checksum: number | string | null }>;
      out[t] = `${String(count?.n)}:${String(sum?.Checksum)}`;
    }
    return out;
  }

  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase('hs_fuzz'));
    const events: NewEvent[] = Array.from({ length: 240 }, (_, n) =>
      makeEvent({
        eventId: n + 1,
        portalId: 500 + (n % 2),
        objectId: 1 + (n % 7),
        occurredAt: 1_700_000_000_000 + ((n * 13) % 29) * 60_000,
        propertyValue: `${n}@x.io`,
      }),
    );
    await createEventWriter(store.ds).persist({
      events,
      state: events.map((e) => ({
        ref: { portalId: e.portalId, objectType: e.objectType, objectId: e.objectId },
        updates: [
          { kind: 'seen' as const, at: e.occurredAt },
          { kind: 'property' as const, name: 'email', value: e.propertyValue, at: e.occurredAt },
        ],
      })),
      now: 1_800_000_000_000,
    });
    app = await buildApp({
      config: { EVENTS_API_TOKENS: [TOKEN] },
      ledger: createLedgerReader(store.ds),
      parts: [{ provider: 'hubspot', part: hubspotApiPart(createEventReader(store.ds)) }],
      log: createLogger({ name: 'events-api-fuzz', level: 'silent' }),
      ready: async () => true,
    });
    // Real cursors of every kind, to be replayed on the wrong endpoint, order or parameter.
    for (const url of ['/events?limit=5', '/events?limit=5&order=desc', '/events/changes?limit=5', '/portals/500/objects/contact/1/timeline?limit=2']) {
      const res = await app.inject({ url, headers: { authorization: `Bearer ${TOKEN}` } });
      const cursor = (res.json() as { nextCursor?: string | null }).nextCursor;
      if (cursor) realCursors.push(cursor, cursor.slice(0, -3), `${cursor}A`);
    }
    expect(realCursors.length).toBeGreaterThanOrEqual(8);
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it(`answers ${RUNS} generated parameter combinations with 200 or a 4xx with {code,message}, never 5xx, and changes no stored data`, async ({ annotate }) => {
    const before = await snapshot();
    const cursors = fc.oneof(
      fc.constantFrom(...realCursors),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,300}$/),
      fc
        .record(
          {
            v: fc.constantFrom(1, 2, '1'),
            k: fc.constantFrom('events', 'changes', 'timeline', 'associations', 'x'),
            o: fc.constantFrom('asc', 'desc', 1),
            t: fc.oneof(fc.integer(), fc.double(), fc.constant(-1), fc.constant(2 ** 63), fc.string()),
            i: fc.oneof(fc.integer(), fc.constant(-5), fc.constant(1e300), fc.string()),
          },
          { requiredKeys: [] },
        )
        .map(b64),
      fc.constantFrom(...HOSTILE).map(b64),
    );
    const plausible = (name: string) =>
      name === 'cursor' || name === 'after'
        ? cursors
        : fc.constantFrom('500', 'contact', 'asc', 'desc', '10', '1700000000000', '2023-11-14T22:30:00Z', 'true', 'contact.propertyChange');
    const value = (name: string) =>
      fc.oneof(
        { arbitrary: plausible(name), weight: 3 },
        { arbitrary: fc.constantFrom(...HOSTILE), weight: 3 },
        { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
        { arbitrary: fc.integer().map(String), weight: 1 },
        { arbitrary: fc.double().map(String), weight: 1 },
      );
    const param = (names: readonly string[]) =>
      fc
        .oneof(
          { arbitrary: fc.constantFrom(...(names.length > 0 ? names : ['limit'])), weight: 4 },
          { arbitrary: fc.constantFrom('portalID', 'id', '__proto__', 'constructor', 'toString', 'limit[]', 'cursor.v', "'; --", '😀'), weight: 1 },
        )
        .chain((name) => value(name).map((v) => [name, v] as const));
    const request = fc
      .tuple(
        fc.constantFrom(...ROUTES),
        fc.array(
          fc.oneof(
            { arbitrary: fc.constantFrom(...HOSTILE), weight: 1 },
            { arbitrary: fc.constantFrom('500', '501', 'contact', '1', '2-123', 'deal'), weight: 2 },
          ),
          { minLength: 3, maxLength: 3 },
        ),
        fc.nat({ max: ROUTES.length }),
        fc.oneof({ arbitrary: fc.constant('good'), weight: 8 }, { arbitrary: fc.constantFrom('missing', 'wrong', 'hostile'), weight: 2 }),
      )
      .chain(([route, segments, _n, auth]) =>
        fc.array(param(route.params), { maxLength: 5 }).map((params) => {
          const path = route.path(segments.map((s) => encodeURIComponent(s)));
          const query = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
          return { url: query ? `${path}?${query}` : path, auth };
        }),
      );

    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ url, auth }) => {
        const authorization =
          auth === 'good' ? `Bearer ${TOKEN}` : auth === 'wrong' ? `Bearer ${TOKEN.slice(0, -1)}x` : auth === 'hostile' ? "Bearer ' OR 1=1 --" : undefined;
        const res = await app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (auth !== 'good') {
          // Routing limits are checked before authentication; nothing is read either way.
          expect([401, 414], url).toContain(res.statusCode);
        } else {
          // 414: a path segment longer than Fastify's maxParamLength (100), refused before routing.
          expect([200, 400, 404, 414], `${url}: ${res.body.slice(0, 300)}`).toContain(res.statusCode);
        }
        const body = res.json() as Record<string, unknown>;
        if (res.statusCode !== 200) {
          expect(typeof body.code).toBe('string');
          expect(typeof body.message === 'string' && body.message.length > 0).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    expect(await snapshot()).toEqual(before);
    const sum = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(sum).toBe(RUNS);
    // A fuzz run that never reaches the database proves little: valid combinations must be among the cases.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 50);
    await annotate(
      `${RUNS} cases: ${[...statuses]
        .sort()
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}; ${Object.keys(before).length} tables unchanged (row count + CHECKSUM TABLE)`,
    );
  });
});
