import { describe, expect, inject, it } from 'vitest';
import type { HubSpotEvent } from '@hookstream/hubspot';
import type { DataSource } from '@hookstream/store';
import { runEnrichmentBurst, type EnrichmentBurstOptions } from './bench/enrichment-burst.js';

const CONTACTS = 1_000;
const base = (): EnrichmentBurstOptions => ({
  brokers: inject('kafkaBrokers').split(','),
  databaseServerUrl: inject('databaseServerUrl'),
  contacts: CONTACTS,
  changesPerContact: 3,
});

/** Object state of one contact: the burst's property changes win over the older snapshot. */
async function checkState(ds: DataSource, events: readonly HubSpotEvent[]): Promise<void> {
  const id = events[0]?.objectId as number;
  const [row] = (await ds.query('SELECT properties FROM object_state WHERE portal_id = 62515 AND object_type = ? AND object_id = ?', [
    'contact',
    id,
  ])) as Array<{ properties: unknown }>;
  const props = (typeof row?.properties === 'string' ? JSON.parse(row.properties) : row?.properties) as Record<string, string>;
  expect(props).toMatchObject({ email: `email-${id}`, firstname: `firstname-${id}`, lastname: `lastname-${id}`, phone: `+49-${id}` });
  const [e] = (await ds.query("SELECT enrichment FROM hubspot_event_rows WHERE object_id = ? AND subscription_type = 'contact.creation'", [id])) as Array<{
    enrichment: unknown;
  }>;
  const snap = (typeof e?.enrichment === 'string' ? JSON.parse(e.enrichment) : e?.enrichment) as { properties: Record<string, string> };
  expect(snap.properties.email).toBe(`snap-${id}@example.com`);
}

/**
 * Issue 3 item 7 on the real path (signed HTTP → edge → Kafka → processor → database), with the
 * fake HubSpot counting batch-read calls: an import of 1,000 contacts × (creation + 3 changes).
 */
describe('enrichment economy on an import-like burst', () => {
  it('reads every contact once, 100 per call, when the burst is already in Kafka: calls ≤ ceil(objects / 100) + retries', async () => {
    const r = await runEnrichmentBurst({ ...base(), mode: 'backlog', inspect: checkState });
    expect(r.events).toBe(4 * CONTACTS);
    expect(r.enriched).toBe(r.events);
    expect(r.minCalls).toBe(10);
    expect(r.calls).toBeLessThanOrEqual(r.minCalls + r.retries);
  });

  it('while HubSpot is still delivering it, costs at most the two reads made before the burst was recognised', async () => {
    const r = await runEnrichmentBurst({ ...base(), mode: 'live', seed: 11, inspect: checkState });
    expect(r.enriched).toBe(r.events);
    // An idle processor cannot know that its first small batches start a burst: it reads them
    // at once (README "Enrichment economy"); after that, reads are full.
    expect(r.calls).toBeLessThanOrEqual(r.minCalls + r.retries + 2);
    expect(r.partialBy.age ?? 0).toBe(0);
  });
});
