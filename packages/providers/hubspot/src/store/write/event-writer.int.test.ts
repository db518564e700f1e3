import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '@hookstream/store';
import { StoreValidationError } from '@hookstream/store';
import { createEventReader } from '../read/event-reader.js';
import { applyUpdates } from '../state/reduce.js';
import { makeEvent } from '../testing/fixtures.js';
import { testDatabase } from '@hookstream/testkit';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import type { ObjectRef, StateChange, StateUpdate } from '../types.js';
import { createEventWriter } from './event-writer.js';
import type { NewEvent } from './types.js';
import { prng } from '../testing/prng.js';

const seen = (e: NewEvent): StateChange => ({
  ref: { portalId: e.portalId, objectType: e.objectType, objectId: e.objectId },
  updates: [
    { kind: 'seen', at: e.occurredAt },
    ...(e.propertyName ? [{ kind: 'property' as const, name: e.propertyName, value: e.propertyValue, at: e.occurredAt }] : []),
  ],
});

describe('event writer (real database)', () => {
  let store: MigratedStore;
  let ds: DataSource;

  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase());
    ds = store.ds;
  });
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(async () => {
    await ds.query('DELETE FROM events');
    await ds.query('DELETE FROM hubspot_events');
    await ds.query('DELETE FROM object_state');
  });

  const count = async (table: string): Promise<number> => Number(((await ds.query(`SELECT COUNT(*) AS n FROM ${table}`)) as Array<{ n: unknown }>)[0]?.n);

  it('inserts a batch once: the same batch again (and a HubSpot retry with another attemptNumber) only counts duplicates', async () => {
    const writer = createEventWriter(ds, { chunkSize: 7 });
    const events = Array.from({ length: 40 }, (_, i) => makeEvent({ eventId: 5000 + i, objectId: 10 + (i % 6), occurredAt: 1_000_000 + i }));
    const first = await writer.persist({ events, state: events.map(seen), now: 2_000_000 });
    expect(first).toMatchObject({ inserted: 40, duplicates: 0 });
    // Each event's id is the id of the row stored for it.
    const stored = (await ds.query('SELECT id, event_id FROM hubspot_events ORDER BY event_id')) as Array<Record<string, unknown>>;
    expect(first.ids).toEqual(stored.map((r) => Number(r.id)));

    const again = await writer.persist({ events, state: events.map(seen), now: 2_000_001 });
    expect(again).toEqual({ inserted: 0, duplicates: 40, ids: events.map(() => null) });

    const retried = events.slice(0, 5).map((e) => ({ ...e, attemptNumber: 3 }));
    const inBatchDup = [...retried, makeEvent({ eventId: 9999 }), makeEvent({ eventId: 9999 })];
    const mixed = await writer.persist({ events: inBatchDup, state: [], now: 2_000_002 });
    expect(mixed).toMatchObject({ inserted: 1, duplicates: 6 });
    const [copy] = (await ds.query('SELECT id FROM hubspot_events WHERE event_id = 9999')) as Array<Record<string, unknown>>;
    expect(mixed.ids).toEqual([null, null, null, null, null, Number(copy?.id), null]);
    expect(await count('events')).toBe(41);

    // eventId alone is not the identity: the same eventId for another object is a distinct delivery.
    expect(await writer.persist({ events: [makeEvent({ eventId: 5000, objectId: 999 })], state: [], now: 1 })).toMatchObject({ inserted: 1, duplicates: 0 });
    const [row] = (await ds.query('SELECT attempt_number, processed_at, raw FROM hubspot_event_rows WHERE event_id = 5000 AND object_id = 10')) as Array<
      Record<string, unknown>
    >;
    expect(row?.attempt_number).toBe(0);
    expect(row?.processed_at).toBe(2_000_000);
  });

  it('splits large payloads into several INSERTs by size and still counts exactly', async () => {
    const writer = createEventWriter(ds, { chunkBytes: 8 * 1024 });
    const big = Array.from({ length: 12 }, (_, i) =>
      makeEvent({ eventId: 70_000 + i, propertyValue: `${i}`.padEnd(3000, 'x'), raw: { blob: 'y'.repeat(1000), i } }),
    );
    expect(await writer.persist({ events: big, state: [], now: 1 })).toMatchObject({ inserted: 12, duplicates: 0 });
    expect(await writer.persist({ events: [...big].reverse(), state: [], now: 1 })).toMatchObject({ inserted: 0, duplicates: 12 });
    const rows = (await ds.query('SELECT property_value, raw FROM hubspot_event_rows WHERE event_id = 70011')) as Array<{
      property_value: string;
      raw: unknown;
    }>;
    expect(rows[0]?.property_value).toHaveLength(3000);
    const raw = typeof rows[0]?.raw === 'string' ? (JSON.parse(rows[0].raw) as { i: number }) : (rows[0]?.raw as { i: number });
    expect(raw.i).toBe(11);
  });

  it('persists exactly the reducer result, whatever order and batches the updates arrive in', async () => {
    const writer = createEventWriter(ds);
    const rnd = prng(42);
    const refs: ObjectRef[] = [1, 2, 3].map((objectId) => ({ portalId: 7, objectType: 'deal', objectId }));
    const all: Array<{ ref: ObjectRef; u: StateUpdate }> = [];
    for (let i = 0; i < 120; i++) {
      const ref = refs[Math.floor(rnd() * refs.length)] as ObjectRef;
      const at = 1000 + Math.floor(rnd() * 20);
      const r = rnd();
      const u: StateUpdate =
        r < 0.5
          ? { kind: 'property', name: ['dealstage', 'amount'][Math.floor(rnd() * 2)] as string, value: rnd() < 0.1 ? null : String(Math.floor(rnd() * 5)), at }
          : r < 0.65
            ? { kind: 'archived', archived: rnd() < 0.5, at }
            : r < 0.75
              ? { kind: 'snapshot', properties: { dealname: `n${Math.floor(rnd() * 3)}`, amount: '1' }, at, createdAt: at - 500 }
              : r < 0.85
                ? { kind: 'merged', into: 100 + Math.floor(rnd() * 3), at }
                : { kind: 'seen', at };
      all.push({ ref, u });
    }
    for (let i = 0; i < all.length; i += 17) {
      const slice = all.slice(i, i + 17);
      await writer.persist({ events: [], state: slice.map((x) => ({ ref: x.ref, updates: [x.u] })), now: 5 });
    }
    const reader = createEventReader(ds);
    for (const ref of refs) {
      const expected = applyUpdates(
        undefined,
        ref,
        all.filter((x) => x.ref === ref).map((x) => x.u),
      );
      expect(await reader.objectState(ref)).toEqual(expected);
    }
    expect(await reader.objectState({ portalId: 7, objectType: 'deal', objectId: 404 })).toBeUndefined();
  });

  it('keeps newer information when an older event arrives late', async () => {
    const writer = createEventWriter(ds);
    const ref = { portalId: 1, objectType: 'contact', objectId: 5 };
    const newer = makeEvent({ portalId: 1, objectId: 5, eventId: 1, occurredAt: 2000, propertyValue: 'new@x.io' });
    const older = makeEvent({ portalId: 1, objectId: 5, eventId: 2, occurredAt: 1000, propertyValue: 'old@x.io' });
    await writer.persist({ events: [newer], state: [seen(newer)], now: 3000 });
    await writer.persist({ events: [older], state: [seen(older)], now: 3001 });
    const s = await createEventReader(ds).objectState(ref);
    expect(s).toMatchObject({ properties: { email: 'new@x.io' }, propertyVersions: { email: 2000 }, lastEventAt: 2000 });
    // Nothing new was learnt, so the row was not rewritten.
    const [row] = (await ds.query('SELECT updated_at FROM object_state')) as Array<{ updated_at: number }>;
    expect(row?.updated_at).toBe(3000);
  });

  it('rejects values the schema cannot hold before writing anything', async () => {
    const writer = createEventWriter(ds);
    const good = makeEvent({ eventId: 1 });
    const bad = makeEvent({ eventId: 2, subscriptionType: 'x'.repeat(101) });
    const err = await writer.persist({ events: [good, bad], state: [seen(good)], now: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreValidationError);
    expect(err).toMatchObject({ index: 1, retryable: false, message: 'events[1].subscriptionType: longer than 100 characters' });
    expect(await count('events')).toBe(0);
    expect(await count('object_state')).toBe(0);
    // Long error messages are clipped, not rejected.
    const clipped = makeEvent({ eventId: 3, enrichmentState: 'pending', enrichmentError: 'e'.repeat(900) });
    await writer.persist({ events: [clipped], state: [], now: 1 });
    const [row] = (await ds.query('SELECT CHAR_LENGTH(enrichment_error) AS n, enrichment_next_at FROM hubspot_event_rows')) as Array<Record<string, unknown>>;
    expect(row).toEqual({ n: 500, enrichment_next_at: 1 });
  });

  it('lets two connections persist overlapping objects concurrently without failing, while a changes reader misses nothing', async () => {
    const other = createDataSource({ url: store.url, poolSize: 4 });
    await other.initialize();
    try {
      const writers = [createEventWriter(ds), createEventWriter(other)];
      const rnd = prng(7);
      const batches: NewEvent[][] = [];
      let eventId = 1;
      for (let b = 0; b < 24; b++) {
        // Overlapping objects, new and existing, in random order in every batch.
        batches.push(
          Array.from({ length: 60 }, () =>
            makeEvent({
              eventId: eventId++,
              objectId: 1 + Math.floor(rnd() * 40),
              occurredAt: 10_000 + Math.floor(rnd() * 1000),
              propertyValue: `v${Math.floor(rnd() * 9)}`,
            }),
          ),
        );
      }
      const reader = createEventReader(other);
      const polled: number[] = [];
      let writing = true;
      const poller = (async () => {
        let after = 0;
        for (;;) {
          const done = !writing;
          const page = await reader.changes({ afterId: after, limit: 50 });
          for (const e of page) polled.push(e.id);
          if (page.length > 0) after = page[page.length - 1]?.id ?? after;
          else if (done) return;
        }
      })();
      const results = await Promise.all(
        writers.map(async (w, wi) => {
          const out = [];
          for (let b = wi; b < batches.length; b += 2) {
            const events = batches[b] as NewEvent[];
            out.push(await w.persist({ events, state: events.map(seen), now: 1 }));
          }
          return out;
        }),
      ).finally(async () => {
        writing = false;
        await poller.catch(() => undefined);
      });
      await poller;
      expect(results.flat().reduce((n, r) => n + r.inserted, 0)).toBe(24 * 60);
      const ids = ((await ds.query('SELECT id FROM events ORDER BY id')) as Array<{ id: number }>).map((r) => r.id);
      expect(ids).toHaveLength(24 * 60);
      // Every committed id was seen by the incremental reader, exactly once and in order.
      expect(polled).toEqual(ids);

      const allEvents = batches.flat();
      for (const objectId of [1, 17, 40]) {
        const ref = { portalId: 62515, objectType: 'contact', objectId };
        const mine = allEvents
          .filter((e) => e.objectId === objectId)
          .map(seen)
          .flatMap((c) => c.updates);
        expect(await createEventReader(ds).objectState(ref)).toEqual(applyUpdates(undefined, ref, mine));
      }
    } finally {
      await other.destroy();
    }
  });

  it('leases due pending events to one sweeper at a time and records their outcome', async () => {
    const writer = createEventWriter(ds);
    const events = Array.from({ length: 6 }, (_, i) =>
      makeEvent({ eventId: 100 + i, objectId: 50 + i, enrichmentState: 'pending', enrichmentNextAt: 1000 + i }),
    );
    events.push(makeEvent({ eventId: 200, enrichmentState: 'pending', enrichmentNextAt: 9_999_999 }));
    events.push(makeEvent({ eventId: 201, enrichmentState: 'enriched', enrichment: { properties: {} } }));
    await writer.persist({ events, state: [], now: 500 });

    const other = createDataSource({ url: store.url, poolSize: 2 });
    await other.initialize();
    try {
      const [c1, c2] = await Promise.all([
        writer.claimDue({ now: 2000, limit: 4, leaseMs: 60_000 }),
        createEventWriter(other).claimDue({ now: 2000, limit: 4, leaseMs: 60_000 }),
      ]);
      const claimedIds = [...(c1 ?? []), ...(c2 ?? [])].map((c) => c.id);
      expect(claimedIds).toHaveLength(6);
      expect(new Set(claimedIds).size).toBe(6);
    } finally {
      await other.destroy();
    }
    expect(await writer.claimDue({ now: 2000, limit: 10, leaseMs: 60_000 })).toEqual([]);
    // After the lease runs out the events are due again (a sweeper died).
    const again = await writer.claimDue({ now: 70_000, limit: 10, leaseMs: 60_000 });
    expect(again.map((c) => c.objectId)).toEqual([50, 51, 52, 53, 54, 55]);
    expect(again[0]).toMatchObject({ portalId: 62515, objectType: 'contact', enrichmentAttempts: 0 });

    const [a, b, c] = again;
    await writer.completeEnrichment({
      results: [
        { id: a!.id, state: 'enriched', enrichment: { properties: { email: 'snap@x.io' } }, error: null, nextAt: null, attempts: 1 },
        { id: b!.id, state: 'pending', enrichment: null, error: 'HTTP 429', nextAt: 80_000, attempts: 1 },
        { id: c!.id, state: 'not_found', enrichment: null, error: null, nextAt: null, attempts: 1 },
      ],
      state: [
        { ref: { portalId: 62515, objectType: 'contact', objectId: 50 }, updates: [{ kind: 'snapshot', properties: { email: 'snap@x.io' }, at: 75_000 }] },
      ],
      now: 75_000,
    });
    const reader = createEventReader(ds);
    const byId = new Map((await reader.changes({ afterId: 0, limit: 100 })).map((e) => [e.id, e]));
    expect(byId.get(a!.id)?.enrichment).toEqual({
      state: 'enriched',
      attempts: 1,
      error: null,
      nextAttemptAt: null,
      enrichedAt: 75_000,
      snapshot: { properties: { email: 'snap@x.io' } },
    });
    expect(byId.get(b!.id)?.enrichment).toMatchObject({ state: 'pending', error: 'HTTP 429', nextAttemptAt: 80_000, enrichedAt: null });
    expect(byId.get(c!.id)?.enrichment).toMatchObject({ state: 'not_found', enrichedAt: 75_000, snapshot: null });
    const claims = (await ds.query('SELECT COUNT(*) AS n FROM hubspot_event_rows WHERE enrichment_claim IS NOT NULL AND id IN (?, ?, ?)', [
      a!.id,
      b!.id,
      c!.id,
    ])) as Array<{ n: unknown }>;
    expect(Number(claims[0]?.n)).toBe(0);
    expect((await reader.objectState({ portalId: 62515, objectType: 'contact', objectId: 50 }))?.snapshotAt).toBe(75_000);
    // The retry is due at its nextAt, not before.
    expect((await writer.claimDue({ now: 79_999, limit: 10, leaseMs: 1 })).map((x) => x.id)).not.toContain(b!.id);
    expect((await writer.claimDue({ now: 80_000, limit: 10, leaseMs: 1 })).map((x) => x.id)).toContain(b!.id);
  });
});
