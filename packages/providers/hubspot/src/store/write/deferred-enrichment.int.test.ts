import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '@hookstream/testkit';
import { makeEvent } from '../testing/fixtures.js';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { completeDeferredEnrichment } from './deferred-enrichment.js';
import { createEventWriter } from './event-writer.js';

const MARK = 'awaiting a shared HubSpot batch read';
let store: MigratedStore;
beforeAll(async () => {
  store = await openMigratedStore(await testDatabase());
});
afterAll(async () => store?.close());

describe('completing deferred enrichment (real database)', () => {
  it('completes every waiting row of the object, merges the snapshot, and leaves other rows alone', async () => {
    const writer = createEventWriter(store.ds);
    const waiting = { enrichmentState: 'pending' as const, enrichmentError: MARK, enrichmentNextAt: 60_000 };
    const { ids } = await writer.persist({
      events: [
        makeEvent({ eventId: 1, objectId: 10, ...waiting, propertyName: 'email', propertyValue: 'new@example.com', occurredAt: 2_000 }),
        makeEvent({ eventId: 2, objectId: 10, ...waiting, subscriptionType: 'contact.creation', propertyName: null, propertyValue: null, occurredAt: 1_000 }),
        // Pending for another reason (HubSpot was down): the sweeper owns it.
        makeEvent({ eventId: 3, objectId: 10, enrichmentState: 'pending', enrichmentError: 'HTTP 503', enrichmentNextAt: 60_000 }),
        makeEvent({ eventId: 4, objectId: 11, ...waiting }),
      ],
      state: [
        { ref: { portalId: 62515, objectType: 'contact', objectId: 10 }, updates: [{ kind: 'property', name: 'email', value: 'new@example.com', at: 2_000 }] },
      ],
      now: 1,
    });
    const snapshot = { id: '10', properties: { email: 'old@example.com', firstname: 'Ada' }, updatedAt: new Date(1_500).toISOString() };
    const [id1, id2, id3, id4] = ids as number[];
    const n = await completeDeferredEnrichment(store.ds, {
      marker: MARK,
      now: 5_000,
      results: [
        // Event 3's row is named too, but it does not carry the marker: left alone.
        { ids: [id1 as number, id2 as number, id3 as number], state: 'enriched', enrichment: snapshot, error: null, nextAt: null },
        { ids: [id4 as number], state: 'pending', enrichment: null, error: 'HTTP 503 (gave up)', nextAt: 9_000 },
      ],
      state: [{ ref: { portalId: 62515, objectType: 'contact', objectId: 10 }, updates: [{ kind: 'snapshot', properties: snapshot.properties, at: 1_500 }] }],
    });
    expect(n).toBe(3);
    const rows = (await store.ds.query(
      'SELECT event_id, enrichment_state AS s, enrichment_error AS e, enrichment_next_at AS n, enriched_at AS at FROM hubspot_event_rows ORDER BY event_id',
    )) as Array<Record<string, unknown>>;
    expect(rows.map((r) => [Number(r.event_id), r.s, r.e, r.n === null ? null : Number(r.n), r.at === null ? null : Number(r.at)])).toEqual([
      [1, 'enriched', null, null, 5_000],
      [2, 'enriched', null, null, 5_000],
      [3, 'pending', 'HTTP 503', 60_000, null],
      [4, 'pending', 'HTTP 503 (gave up)', 9_000, null],
    ]);
    // The snapshot (updatedAt 1.5 s) fills firstname; the newer email event (2 s) keeps its value.
    const [state] = (await store.ds.query('SELECT properties FROM object_state WHERE object_id = 10')) as Array<{ properties: unknown }>;
    const props = typeof state?.properties === 'string' ? JSON.parse(state.properties) : state?.properties;
    expect(props).toEqual({ email: 'new@example.com', firstname: 'Ada' });
    // Completing again changes nothing: the rows no longer carry the marker.
    expect(
      await completeDeferredEnrichment(store.ds, {
        marker: MARK,
        now: 6_000,
        results: [{ ids: [id1 as number, id2 as number], state: 'not_found', enrichment: null, error: 'gone', nextAt: null }],
        state: [],
      }),
    ).toBe(0);
  });

  it("completes hundreds of objects in a few statements, each row with its own object's snapshot, none for a privacy-deleted object", async () => {
    await store.ds.query('DELETE FROM events');
    await store.ds.query('DELETE FROM hubspot_events');
    await store.ds.query('DELETE FROM object_state');
    const writer = createEventWriter(store.ds);
    const waiting = { enrichmentState: 'pending' as const, enrichmentError: MARK, enrichmentNextAt: 60_000 };
    const objects = Array.from({ length: 450 }, (_, i) => 1_000 + i);
    const events = objects.flatMap((objectId, i) => [
      makeEvent({ eventId: 10 * i + 1, objectId, ...waiting, occurredAt: 1_000 }),
      makeEvent({ eventId: 10 * i + 2, objectId, ...waiting, occurredAt: 2_000 }),
    ]);
    const { ids } = await writer.persist({ events, state: [], now: 1 });
    const rowsOf = (i: number): number[] => [ids[2 * i] as number, ids[2 * i + 1] as number];
    // Object 1,000 was privacy-deleted after its events were stored.
    await store.ds.query(
      `INSERT INTO object_state (portal_id, object_type, object_id, properties, property_versions, archived, privacy_deleted_at, updated_at)
       VALUES (62515, 'contact', 1000, '{}', '{}', 0, 4000, 4000)`,
    );
    const n = await completeDeferredEnrichment(store.ds, {
      marker: MARK,
      now: 5_000,
      // Every third object was not found: a second outcome group.
      results: objects.map((objectId, i) =>
        i % 3 === 2
          ? { ids: rowsOf(i), state: 'not_found' as const, enrichment: null, error: 'not found', nextAt: null }
          : { ids: rowsOf(i), state: 'enriched' as const, enrichment: { id: String(objectId), properties: { n: String(i) } }, error: null, nextAt: null },
      ),
      state: [],
    });
    expect(n).toBe(900);
    const rows = (await store.ds.query('SELECT object_id, enrichment_state AS s, enrichment AS e FROM hubspot_events ORDER BY id')) as Array<
      Record<string, unknown>
    >;
    const parsed = rows.map((r) => [Number(r.object_id), r.s, typeof r.e === 'string' ? JSON.parse(r.e) : r.e]);
    expect(parsed).toEqual(
      objects.flatMap((objectId, i) => {
        const row =
          i % 3 === 2
            ? [objectId, 'not_found', null]
            : [objectId, 'enriched', objectId === 1_000 ? null : { id: String(objectId), properties: { n: String(i) } }];
        return [row, row];
      }),
    );
  });
});
