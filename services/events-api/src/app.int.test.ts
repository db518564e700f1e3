import { createLogger } from '@hookstream/observability';
import { hubspotApiPart } from '@hookstream/hubspot';
import { createLedgerReader } from '@hookstream/store';
import { createEventReader, createEventWriter, type NewEvent, type StoredEvent } from '@hookstream/hubspot';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { makeEvent } from '@hookstream/hubspot/testing';
import { testDatabase } from '@hookstream/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';

const TOKEN = 'int-test-token-0123456789';

describe('events-api on the real database', () => {
  let store: MigratedStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase());
    const writer = createEventWriter(store.ds);
    let n = 0;
    for (let b = 0; b < 5; b++) {
      const events: NewEvent[] = [];
      for (let i = 0; i < 300; i++, n++) {
        events.push(makeEvent({ eventId: n + 1, portalId: 500 + (n % 2), objectId: 1 + (n % 9), occurredAt: 1_700_000_000_000 + ((n * 13) % 29) * 60_000 }));
      }
      await writer.persist({
        events,
        state: events.map((e) => ({
          ref: { portalId: e.portalId, objectType: e.objectType, objectId: e.objectId },
          updates: [
            { kind: 'seen', at: e.occurredAt },
            { kind: 'property', name: 'email', value: `${e.eventId}@x.io`, at: e.occurredAt },
          ],
        })),
        now: 1_800_000_000_000,
      });
    }
    app = await buildApp({
      config: { EVENTS_API_TOKENS: [TOKEN] },
      ledger: createLedgerReader(store.ds),
      parts: [{ provider: 'hubspot', part: hubspotApiPart(createEventReader(store.ds)) }],
      log: createLogger({ name: 'events-api-int', level: 'silent' }),
      ready: async () => {
        await store.ds.query('SELECT 1');
        return true;
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const get = async (url: string): Promise<Record<string, unknown>> => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  const pageAll = async (path: string, param = 'cursor'): Promise<StoredEvent[]> => {
    const out: StoredEvent[] = [];
    let cursor: string | null = null;
    do {
      const body = await get(`${path}${cursor ? `&${param}=${cursor}` : ''}`);
      out.push(...(body.events as StoredEvent[]));
      cursor = body.nextCursor as string | null;
    } while (cursor);
    return out;
  };

  it('pages through /events with cursors: every row exactly once, in (occurredAt, id) order, both directions', async () => {
    const ids = ((await store.ds.query('SELECT id, occurred_at FROM events')) as Array<{ id: number; occurred_at: number }>)
      .sort((a, b) => a.occurred_at - b.occurred_at || a.id - b.id)
      .map((r) => r.id);
    expect(ids).toHaveLength(1500);
    expect((await pageAll('/events?limit=97&order=asc')).map((e) => e.id)).toEqual(ids);
    expect((await pageAll('/events?limit=97&order=desc')).map((e) => e.id)).toEqual([...ids].reverse());
    const portal = await pageAll('/events?portalId=501&from=2023-11-14T22:30:00Z&to=1700001200000&limit=13');
    const want = (
      (await store.ds.query(
        'SELECT id FROM hubspot_event_rows WHERE portal_id = 501 AND occurred_at BETWEEN 1700001000000 AND 1700001200000 ORDER BY occurred_at, id',
      )) as Array<{ id: number }>
    ).map((r) => r.id);
    expect(want.length).toBeGreaterThan(13);
    expect(portal.map((e) => e.id)).toEqual(want);
  });

  it('serves the changes feed in id order and keeps a cursor to poll with', async () => {
    const out: number[] = [];
    let after: string | undefined;
    for (;;) {
      const body = await get(`/events/changes?limit=400${after ? `&after=${after}` : ''}`);
      const events = body.events as StoredEvent[];
      after = body.nextCursor as string;
      if (events.length === 0) break;
      out.push(...events.map((e) => e.id));
    }
    expect(out).toHaveLength(1500);
    expect(out).toEqual([...out].sort((a, b) => a - b));
    await createEventWriter(store.ds).persist({ events: [makeEvent({ eventId: 777_777, portalId: 500, occurredAt: 5 })], state: [], now: 1 });
    const late = await get(`/events/changes?after=${after}`);
    expect((late.events as StoredEvent[]).map((e) => e.eventId)).toEqual([777_777]);
  });

  it('returns object state and timeline from what the writer persisted', async () => {
    const state = await get('/portals/500/objects/contact/3');
    const [last] = (await store.ds.query(
      'SELECT event_id, occurred_at FROM hubspot_event_rows WHERE portal_id = 500 AND object_id = 3 AND event_id <> 777777 ORDER BY occurred_at DESC, event_id DESC LIMIT 1',
    )) as Array<{ event_id: number; occurred_at: number }>;
    expect(state).toMatchObject({
      portalId: 500,
      objectType: 'contact',
      objectId: 3,
      lastEventAt: last?.occurred_at,
      propertyVersions: { email: last?.occurred_at },
    });
    const timeline = await pageAll('/portals/500/objects/contact/3/timeline?order=desc&limit=8');
    expect(timeline.length).toBeGreaterThan(8);
    expect(timeline.every((e) => e.portalId === 500 && e.objectId === 3)).toBe(true);
    expect(timeline.map((e) => [e.occurredAt, e.id])).toEqual(
      [...timeline].sort((a, b) => b.occurredAt - a.occurredAt || b.id - a.id).map((e) => [e.occurredAt, e.id]),
    );
    const missing = await app.inject({ method: 'GET', url: '/portals/500/objects/contact/999', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(missing.statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });
});
