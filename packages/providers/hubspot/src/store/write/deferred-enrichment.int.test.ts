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
    await writer.persist({
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
    const n = await completeDeferredEnrichment(store.ds, {
      marker: MARK,
      now: 5_000,
      results: [
        { ref: { portalId: 62515, objectType: 'contact', objectId: 10 }, state: 'enriched', enrichment: snapshot, error: null, nextAt: null },
        { ref: { portalId: 62515, objectType: 'contact', objectId: 11 }, state: 'pending', enrichment: null, error: 'HTTP 503 (gave up)', nextAt: 9_000 },
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
        results: [{ ref: { portalId: 62515, objectType: 'contact', objectId: 10 }, state: 'not_found', enrichment: null, error: 'gone', nextAt: null }],
        state: [],
      }),
    ).toBe(0);
  });
});
