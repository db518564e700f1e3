import { Writable } from 'node:stream';
import { createLogger } from '@hookstream/observability';
import { StoreUnavailableError } from '@hookstream/store';
import type { StoredEvent } from '@hookstream/hubspot';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { createFakeReader, fakeHubSpotApi, storedEvent, type FakeReader } from './testing/fake-reader.js';

let lastLedger: ReturnType<typeof fakeHubSpotApi>['ledger'] | undefined;

const TOKEN = 'tok_aaaaaaaaaaaaaaaa';
const OTHER = 'tok_bbbbbbbbbbbbbbbb';
const auth = { authorization: `Bearer ${TOKEN}` };

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

/** 60 events over 7 distinct times, ids not in time order, 3 portals, 2 types. */
function dataset(): StoredEvent[] {
  return Array.from({ length: 60 }, (_, i) =>
    storedEvent({
      id: 1000 + ((i * 17) % 60),
      occurredAt: 1_700_000_000_000 + (i % 7) * 1000,
      portalId: 100 + (i % 3),
      objectId: 1 + (i % 4),
      subscriptionType: i % 2 ? 'contact.propertyChange' : 'contact.creation',
    }),
  );
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(reader: FakeReader = createFakeReader(dataset()), ready: () => Promise<boolean> = async () => true) {
  const log = capture();
  const api = fakeHubSpotApi(reader);
  lastLedger = api.ledger;
  app = await buildApp({
    config: { EVENTS_API_TOKENS: [TOKEN, OTHER] },
    ...api,
    log: createLogger({ name: 'test', level: 'info', destination: log.stream }),
    ready,
  });
  return { app, log };
}

async function get(a: FastifyInstance, url: string, headers: Record<string, string> = auth) {
  const res = await a.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, body: res.json() as Record<string, unknown>, headers: res.headers };
}

describe('auth and probes', () => {
  it('requires a configured bearer token on data routes', async () => {
    const { app } = await build();
    const variants: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
      { authorization: `Bearer ${TOKEN}x` },
    ];
    for (const headers of variants) {
      const r = await get(app, '/events', headers);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' });
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await get(app, '/events', { authorization: `bearer ${OTHER}` })).status).toBe(200);
    expect((await get(app, '/portals/1/objects/contact/1', {})).status).toBe(401);
  });

  it('answers probes without auth; readiness follows the check', async () => {
    let ready = true;
    const { app } = await build(undefined, async () => {
      if (ready === undefined) throw new Error('db down');
      return ready;
    });
    expect(await get(app, '/healthz', {})).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await get(app, '/readyz', {})).status).toBe(200);
    ready = false;
    expect(await get(app, '/readyz', {})).toMatchObject({ status: 503, body: { code: 'NOT_READY' } });
    (ready as unknown) = undefined;
    expect((await get(app, '/readyz', {})).status).toBe(503);
    expect((await get(app, '/healthz', {})).status).toBe(200);
  });
});

describe('GET /events', () => {
  it.each([
    ['limit=0', 'limit: must be an integer between 1 and 1000'],
    ['limit=1001', 'limit: must be an integer between 1 and 1000'],
    ['limit=1.5', 'limit: must be an integer between 1 and 1000'],
    ['from=yesterday', 'from: expected epoch milliseconds or an ISO-8601 date (date-times need Z or an offset)'],
    ['to=2024-02-30', 'to: expected epoch milliseconds or an ISO-8601 date (date-times need Z or an offset)'],
    ['from=2024-05-01T10:00:00', 'from: expected epoch milliseconds or an ISO-8601 date (date-times need Z or an offset)'],
    ['from=2000&to=1000', 'to: must not be before from'],
    ['order=random', 'order: must be asc or desc'],
    ['portalId=-1', 'portalId: must be a positive integer'],
    ['portalId=1%20OR%201%3D1', 'portalId: must be a positive integer'],
    ["objectType=contact'%3B%20DROP%20TABLE%20events%3B--", 'objectType: must be an object type such as contact, deal or 2-1234567'],
    ['subscriptionType=a%20b', 'subscriptionType: must be a subscription type such as contact.propertyChange'],
    ['portalID=5', 'portalID: unknown parameter'],
    ['limit=5&limit=6', 'limit: must be given once'],
    ['cursor=', 'cursor: must not be empty (omit it to start from the beginning)'],
    ['cursor=%%%', 'cursor: malformed cursor'],
    [`cursor=${Buffer.from('{"v":1,"k":"events","o":"asc","t":"x","i":1}').toString('base64url')}`, 'cursor: malformed cursor'],
  ])('400 for %s', async (qs, message) => {
    const { app } = await build();
    expect(await get(app, `/events?${qs}`)).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', message } });
  });

  it('passes filters through, with ISO-8601 times converted to epoch ms', async () => {
    const reader = createFakeReader(dataset());
    const { app } = await build(reader);
    const r = await get(
      app,
      '/events?portalId=101&objectType=contact&objectId=2&subscriptionType=contact.creation&from=2023-11-14T22:13:21%2B00:00&to=1700000005000&order=desc&limit=3',
    );
    expect(r.status).toBe(200);
    // HubSpot's parameters become ledger filters of provider hubspot: portal → tenant, object → subject.
    expect(lastLedger?.calls.at(-1)).toEqual({
      provider: 'hubspot',
      tenant: '101',
      subject: { eq: 'contact:2' },
      type: 'contact.creation',
      from: 1_700_000_001_000,
      to: 1_700_000_005_000,
      order: 'desc',
      limit: 4,
    });
    await get(app, '/events?from=2023-11-15');
    expect(lastLedger?.calls.at(-1)).toEqual({ from: Date.UTC(2023, 10, 15), order: 'asc', limit: 101 });
    await get(app, '/events?objectType=deal');
    expect(lastLedger?.calls.at(-1)).toMatchObject({ provider: 'hubspot', subject: { prefix: 'deal:' } });
    expect(await get(app, '/events?provider=sources&portalId=1')).toMatchObject({
      status: 400,
      body: { message: 'portalId: is a hubspot parameter; it cannot be combined with provider=sources' },
    });
  });

  for (const order of ['asc', 'desc'] as const) {
    it(`pages through every event exactly once in (occurredAt, id) ${order} order`, async () => {
      const all = dataset();
      const { app } = await build(createFakeReader(all));
      const seen: StoredEvent[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r = await get(app, `/events?order=${order}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        seen.push(...(r.body.events as StoredEvent[]));
        cursor = r.body.nextCursor as string | null;
        pages++;
      } while (cursor);
      const sorted = [...all].sort((a, b) => a.occurredAt - b.occurredAt || a.id - b.id);
      expect(seen.map((e) => e.id)).toEqual((order === 'asc' ? sorted : sorted.reverse()).map((e) => e.id));
      // 60 rows in pages of 7: the ninth page is short and has no cursor.
      expect(pages).toBe(9);
    });
  }

  it('ends with nextCursor null when the last page is exactly full', async () => {
    const { app } = await build(createFakeReader(dataset().slice(0, 14)));
    const first = await get(app, '/events?limit=7');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(app, `/events?limit=7&cursor=${first.body.nextCursor as string}`);
    expect((second.body.events as unknown[]).length).toBe(7);
    expect(second.body.nextCursor).toBeNull();
  });

  it('rejects a cursor used with another order or on another endpoint', async () => {
    const { app } = await build();
    const first = await get(app, '/events?limit=5&order=desc');
    const cursor = first.body.nextCursor as string;
    expect(await get(app, `/events?limit=5&cursor=${cursor}`)).toMatchObject({
      status: 400,
      body: { message: 'cursor: was issued for order=desc; use the same order or start without a cursor' },
    });
    expect((await get(app, `/portals/100/objects/contact/1/timeline?order=desc&cursor=${cursor}`)).body).toMatchObject({
      message: 'cursor: belongs to another endpoint (events)',
    });
    expect((await get(app, `/events/changes?after=${cursor}`)).body).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^after: is not a changes-feed cursor/),
    });
  });
});

describe('GET /events/changes', () => {
  it('returns ingestion order and always a cursor to poll with', async () => {
    const all = dataset();
    const { app } = await build(createFakeReader(all));
    const ids: number[] = [];
    let after: string | undefined;
    for (let i = 0; i < 20; i++) {
      const r = await get(app, `/events/changes?limit=25${after ? `&after=${after}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.nextCursor).toEqual(expect.any(String));
      const events = r.body.events as StoredEvent[];
      if (events.length === 0) {
        expect(r.body.nextCursor).toBe(after);
        break;
      }
      ids.push(...events.map((e) => e.id));
      after = r.body.nextCursor as string;
    }
    expect(ids).toEqual(all.map((e) => e.id).sort((a, b) => a - b));
    expect((await get(app, '/events/changes?limit=5000')).body).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('objects', () => {
  it('answers object state, or 404 when unknown', async () => {
    const state = {
      portalId: 100,
      objectType: 'deal',
      objectId: 9,
      properties: { amount: '5' },
      propertyVersions: { amount: 1 },
      archived: false,
      archivedVersion: 0,
      mergedIntoObjectId: null,
      mergedVersion: 0,
      createdAt: 1,
      lastEventAt: 2,
      snapshotAt: null,
      mergedObjectIds: [],
      privacyDeletedAt: null,
    };
    const { app } = await build(createFakeReader([], [state]));
    expect(await get(app, '/portals/100/objects/deal/9')).toEqual({ status: 200, body: state, headers: expect.anything() });
    expect(await get(app, '/portals/100/objects/deal/10')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await get(app, '/portals/abc/objects/deal/10')).toMatchObject({ status: 400, body: { message: 'portalId: must be a positive integer' } });
    expect(await get(app, '/portals/100/objects/DEAL/10')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^objectType: /) } });
    expect(await get(app, '/portals/100/objects/deal/10?x=1')).toMatchObject({ status: 400, body: { message: 'x: unknown parameter' } });
  });

  it('pages an object timeline', async () => {
    const all = dataset();
    const { app } = await build(createFakeReader(all));
    const want = all.filter((e) => e.portalId === 101 && e.objectId === 2).sort((a, b) => b.occurredAt - a.occurredAt || b.id - a.id);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const r = await get(app, `/portals/101/objects/contact/2/timeline?order=desc&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...(r.body.events as StoredEvent[]).map((e) => e.id));
      cursor = r.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(want.map((e) => e.id));
  });
});

describe('failures', () => {
  it('answers 503 when the store is unavailable and a generic, logged 500 otherwise', async () => {
    const { app, log } = await build(createFakeReader([]));
    const ledger = lastLedger as NonNullable<typeof lastLedger>;
    ledger.list = async () => {
      throw new StoreUnavailableError('list events: database unavailable (ECONNREFUSED)');
    };
    ledger.changes = async () => {
      throw new Error('secret internal detail');
    };
    expect(await get(app, '/events')).toMatchObject({ status: 503, body: { code: 'UNAVAILABLE' } });
    const r = await get(app, '/events/changes');
    expect(r).toMatchObject({ status: 500, body: { code: 'INTERNAL', message: 'internal error' } });
    expect(JSON.stringify(r.body)).not.toContain('secret');
    expect(log.lines.some((l) => l.includes('secret internal detail') && l.includes('"level":50'))).toBe(true);
    // Tokens never reach the logs.
    expect(log.lines.join('')).not.toContain(TOKEN);
    expect(await get(app, '/nope')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });
});
