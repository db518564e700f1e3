import { Writable } from 'node:stream';
import { hubspotApiPart, type LifecycleEntry, type ObjectState, type StoredEvent } from '@hookstream/hubspot';
import { createLogger } from '@hookstream/observability';
import type { LedgerRecord } from '@hookstream/store';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { ConfigError } from './config.js';
import { createFakeLedger, createFakeReader, ledgerRecordOf, storedEvent, type FakeReader } from './testing/fake-reader.js';

const ALL = 'tok_all_0123456789abcdef';
const SRC = 'tok_src_0123456789abcdef';
const P100 = 'tok_p100_0123456789abcde';
const P100_101 = 'tok_p100_101_0123456789a';
const MIXED = 'tok_mixed_0123456789abcd';
const SECRETS = [ALL, SRC, P100, P100_101, MIXED];
const ENTRIES = [
  ALL,
  `${SRC}@providers=sources`,
  `${P100}@portals=100`,
  `${P100_101}@providers=hubspot@portals=100+101`,
  `${MIXED}@providers=hubspot+sources@portals=100`,
];

/** 30 HubSpot events over portals 100-102 and 12 sources events, ids interleaved, times shared. */
function hubspotEvents(): StoredEvent[] {
  return Array.from({ length: 30 }, (_, i) =>
    storedEvent({ id: 1 + ((i * 7) % 30) * 2, occurredAt: 1_700_000_000_000 + (i % 5) * 1000, portalId: 100 + (i % 3), objectId: 1 + (i % 2) }),
  );
}

function sourcesRecords(): LedgerRecord[] {
  return Array.from({ length: 12 }, (_, i) => ({
    id: 2 + i * 2,
    provider: 'sources',
    source: 'billing',
    tenant: i % 2 ? 'acme' : null,
    type: 'invoice.paid',
    subject: `invoice:${i}`,
    eventId: `ev_${i}`,
    idempotencyKey: `billing:ev_${i}`,
    occurredAt: 1_700_000_000_000 + (i % 5) * 1000,
    receivedAt: 1_700_000_010_000,
    processedAt: 1_700_000_010_001,
    requestId: null,
    raw: { i },
  }));
}

const state = (portalId: number): ObjectState => ({
  portalId,
  objectType: 'contact',
  objectId: 1,
  properties: {},
  propertyVersions: {},
  archived: false,
  archivedVersion: 0,
  mergedIntoObjectId: null,
  mergedVersion: 0,
  createdAt: 1,
  lastEventAt: 2,
  snapshotAt: null,
  mergedObjectIds: [],
  privacyDeletedAt: null,
});
const lifecycle: LifecycleEntry[] = [];

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(level = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const reader: FakeReader = createFakeReader(hubspotEvents(), [state(100), state(101)], {
    lifecycle: new Map([
      ['100:contact:1', lifecycle],
      ['101:contact:1', lifecycle],
    ]),
    stats: [{ subscriptionType: 'contact.creation', events: 3, firstOccurredAt: 1, lastOccurredAt: 2 }],
  });
  const ledger = createFakeLedger([...reader.events.map(ledgerRecordOf), ...sourcesRecords()]);
  app = await buildApp({
    config: { EVENTS_API_TOKENS: ENTRIES },
    ledger,
    parts: [
      { provider: 'hubspot', part: hubspotApiPart(reader) },
      { provider: 'sources', part: {} },
    ],
    log: createLogger({ name: 'test', level, destination: stream }),
    ready: async () => true,
  });
  return { app, ledger, reader, lines };
}

async function get(a: FastifyInstance, url: string, token: string) {
  const res = await a.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, body: res.json() as Record<string, unknown>, text: res.body };
}

type Row = { id: number; provider: string; tenant?: string | null; portalId?: number };
const rowsOf = (r: { body: Record<string, unknown> }): Row[] => r.body.events as Row[];
const forbidden = { status: 403, body: { code: 'FORBIDDEN', message: expect.any(String) } };

/** Every row of a feed, following its cursors. */
async function readAll(a: FastifyInstance, url: string, token: string): Promise<Row[]> {
  const seen: Row[] = [];
  let cursor: string | null = null;
  do {
    const r = await get(a, `${url}${url.includes('?') ? '&' : '?'}limit=4${cursor ? `&cursor=${cursor}` : ''}`, token);
    expect(r.status).toBe(200);
    seen.push(...rowsOf(r));
    cursor = r.body.nextCursor as string | null;
  } while (cursor);
  return seen;
}

const byTime = (order: 'asc' | 'desc') => (a: { occurredAt: number; id: number }, b: { occurredAt: number; id: number }) =>
  (order === 'asc' ? 1 : -1) * (a.occurredAt - b.occurredAt || a.id - b.id);

describe('an unscoped token', () => {
  it('reads as before: every provider and portal, unfiltered queries unchanged', async () => {
    const { app, ledger, reader } = await build();
    const everything = [...reader.events.map(ledgerRecordOf), ...sourcesRecords()].sort(byTime('desc'));
    expect((await readAll(app, '/events?order=desc', ALL)).map((e) => e.id)).toEqual(everything.map((e) => e.id));
    expect(ledger.calls.at(-1)).not.toHaveProperty('provider');
    expect(ledger.calls.at(-1)).not.toHaveProperty('tenant');
    expect((await get(app, '/events?portalId=102', ALL)).status).toBe(200);
    expect((await get(app, '/portals/102/objects/contact/1', ALL)).status).toBe(404);
    await get(app, '/stats/subscription-types', ALL);
    expect(reader.statsCalls.at(-1)).toEqual({});
  });
});

describe('a token scoped to one provider', () => {
  it('reads only that provider unfiltered, in order, through every page', async () => {
    const { app, ledger } = await build();
    for (const order of ['asc', 'desc'] as const) {
      const seen = await readAll(app, `/events?order=${order}`, SRC);
      expect(seen.map((e) => e.id)).toEqual(
        sourcesRecords()
          .sort(byTime(order))
          .map((e) => e.id),
      );
      expect(ledger.calls.at(-1)).toMatchObject({ provider: 'sources', order });
    }
    const changes = await get(app, '/events/changes', SRC);
    expect(rowsOf(changes).map((e) => e.id)).toEqual(sourcesRecords().map((e) => e.id));
    expect(rowsOf(await get(app, '/events?tenant=acme', SRC)).every((e) => e.provider === 'sources' && e.tenant === 'acme')).toBe(true);
  });

  it('is refused (403) any other provider, filtered or through its routes', async () => {
    const { app } = await build();
    for (const url of [
      '/events?provider=hubspot',
      '/events?portalId=100',
      '/events?objectType=contact',
      '/events/changes?provider=hubspot',
      '/events/changes?portalId=100',
      '/portals/100/objects/contact/1',
      '/portals/100/objects/contact/1/timeline',
      '/portals/100/objects/contact/1/associations',
      '/portals/100/contacts/1/lifecycle',
      '/stats/subscription-types',
      '/stats/subscription-types?portalId=100',
    ]) {
      expect(await get(app, url, SRC), url).toMatchObject(forbidden);
    }
    expect((await get(app, '/events?provider=hubspot', SRC)).body.message).toBe('this token may not read provider hubspot');
    expect((await get(app, '/portals/100/objects/contact/1', SRC)).body.message).toBe('this token may not read provider hubspot');
  });
});

describe('a token scoped to one HubSpot portal', () => {
  it('reads only its portal unfiltered, in order, through every page and the changes feed', async () => {
    const { app, ledger, reader } = await build();
    const mine = reader.events.filter((e) => e.portalId === 100);
    for (const order of ['asc', 'desc'] as const) {
      const seen = await readAll(app, `/events?order=${order}`, P100);
      expect(seen.map((e) => e.id)).toEqual([...mine].sort(byTime(order)).map((e) => e.id));
      expect(seen.every((e) => e.portalId === 100)).toBe(true);
      expect(ledger.calls.at(-1)).toMatchObject({ provider: 'hubspot', tenant: '100' });
    }
    expect(rowsOf(await get(app, '/events/changes?limit=1000', P100)).map((e) => e.id)).toEqual(mine.map((e) => e.id).sort((a, b) => a - b));
    expect(rowsOf(await get(app, '/events?portalId=100&objectId=2', P100)).every((e) => e.portalId === 100)).toBe(true);
    expect((await get(app, '/events?provider=hubspot&tenant=100', P100)).status).toBe(200);
  });

  it("is refused (403) another portal's events, objects, timeline, associations, lifecycle and stats", async () => {
    const { app, reader } = await build();
    for (const url of [
      '/events?portalId=101',
      '/events?tenant=101',
      '/events?provider=hubspot&tenant=101',
      '/events?provider=sources',
      '/events/changes?portalId=101',
      '/events/changes?tenant=101',
      '/portals/101/objects/contact/1',
      '/portals/101/objects/contact/1/timeline',
      '/portals/101/objects/contact/1/associations',
      '/portals/101/contacts/1/lifecycle',
      '/stats/subscription-types?portalId=101',
    ]) {
      expect(await get(app, url, P100), url).toMatchObject(forbidden);
    }
    expect((await get(app, '/portals/101/objects/contact/1', P100)).body.message).toBe('this token may not read portal 101');
    expect((await get(app, '/events?portalId=101', P100)).body.message).toBe('this token may not read tenant 101 of hubspot');
    // Its own portal answers as for any token.
    expect((await get(app, '/portals/100/objects/contact/1', P100)).status).toBe(200);
    expect((await get(app, '/portals/100/objects/contact/1/timeline', P100)).status).toBe(200);
    expect((await get(app, '/portals/100/contacts/1/lifecycle', P100)).status).toBe(200);
    expect((await get(app, '/portals/100/objects/contact/9', P100)).status).toBe(404);
    // Stats without portalId count its portal only.
    expect((await get(app, '/stats/subscription-types', P100)).status).toBe(200);
    expect(reader.statsCalls.at(-1)).toEqual({ portalId: 100 });
  });
});

describe('a token scoped to several portals or providers', () => {
  it('names one portal for unfiltered reads and stats (400), reads each it may, and none other', async () => {
    const { app, reader } = await build();
    expect(await get(app, '/events', P100_101)).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST', message: expect.stringMatching(/^tenant: required: this token may read hubspot tenants 100, 101; name one/) },
    });
    expect(await get(app, '/events/changes', P100_101)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
    expect(await get(app, '/stats/subscription-types', P100_101)).toMatchObject({
      status: 400,
      body: { message: 'portalId: required: this token may read portals 100, 101; name one' },
    });
    const p101 = await readAll(app, '/events?portalId=101', P100_101);
    expect(p101.map((e) => e.id)).toEqual(
      reader.events
        .filter((e) => e.portalId === 101)
        .sort(byTime('asc'))
        .map((e) => e.id),
    );
    expect((await get(app, '/stats/subscription-types?portalId=101', P100_101)).status).toBe(200);
    expect(reader.statsCalls.at(-1)).toEqual({ portalId: 101 });
    expect(await get(app, '/events?portalId=102', P100_101)).toMatchObject(forbidden);
    expect(await get(app, '/portals/102/objects/contact/1', P100_101)).toMatchObject(forbidden);
    expect(await get(app, '/stats/subscription-types?portalId=102', P100_101)).toMatchObject(forbidden);
  });

  it('names one provider for unfiltered reads (400); each provider reads within the scope', async () => {
    const { app, ledger } = await build();
    expect(await get(app, '/events', MIXED)).toMatchObject({
      status: 400,
      body: { message: 'provider: required: this token may read hubspot, sources; name one' },
    });
    expect(await get(app, '/events/changes', MIXED)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
    expect((await readAll(app, '/events?provider=sources', MIXED)).every((e) => e.provider === 'sources')).toBe(true);
    // HubSpot through this token is its one portal.
    const hub = await readAll(app, '/events?provider=hubspot', MIXED);
    expect(hub.length).toBeGreaterThan(0);
    expect(hub.every((e) => e.portalId === 100)).toBe(true);
    expect(ledger.calls.at(-1)).toMatchObject({ provider: 'hubspot', tenant: '100' });
    expect((await get(app, '/events?objectType=contact', MIXED)).status).toBe(200);
    expect(await get(app, '/events?portalId=101', MIXED)).toMatchObject(forbidden);
    expect(await get(app, '/portals/101/objects/contact/1', MIXED)).toMatchObject(forbidden);
    expect((await get(app, '/stats/subscription-types', MIXED)).status).toBe(200);
  });
});

describe('tokens and scopes at the edges', () => {
  it('accepts the token alone: an entry with its scope is not a token', async () => {
    const { app } = await build();
    const r = await app.inject({ method: 'GET', url: '/events', headers: { authorization: `Bearer ${SRC}@providers=sources` } });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toEqual({ code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' });
    expect((await app.inject({ method: 'GET', url: '/portals/100/objects/contact/1' })).statusCode).toBe(401);
  });

  it('never logs or answers a token', async () => {
    const { app, lines } = await build('trace');
    for (const token of [...SECRETS, 'tok_wrong_0123456789abc']) {
      for (const url of ['/events', '/events?portalId=101', '/portals/101/objects/contact/1', '/stats/subscription-types', '/events?provider=nope']) {
        const r = await get(app, url, token);
        for (const s of SECRETS) expect(r.text).not.toContain(s);
      }
    }
    const logged = lines.join('');
    expect(logged).toContain('"statusCode":403');
    for (const s of SECRETS) expect(logged).not.toContain(s);
  });

  it('refuses an invalid entry at build time, naming the setting and not the token', async () => {
    const attempt = buildApp({
      config: { EVENTS_API_TOKENS: [`${ALL}@portals=abc`] },
      ledger: createFakeLedger([]),
      parts: [],
      log: createLogger({ name: 'test', level: 'silent' }),
      ready: async () => true,
    });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(/^EVENTS_API_TOKENS: entry 1: portals= takes HubSpot portal ids/);
    await attempt.catch((e: Error) => expect(e.message).not.toContain(ALL));
  });

  it("has HubSpot's routes refuse a request its host did not scope", async () => {
    // A bare host, but one that knows the schemas' x-error messages (strict Ajv refuses unknown keywords).
    const bare = Fastify({ ajv: { customOptions: { keywords: ['x-error'] } } });
    await hubspotApiPart(createFakeReader([], [state(100)])).routes?.(bare);
    const r = await bare.inject({ method: 'GET', url: '/portals/100/objects/contact/1' });
    expect(r.statusCode).toBe(403);
    expect((await bare.inject({ method: 'GET', url: '/stats/subscription-types' })).statusCode).toBe(403);
    await bare.close();
  });
});
