import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBatchReadClient } from '../batch-read/client.js';
import { createLogger, createRegistry } from '@hookstream/observability';
import { startFakeHubSpot, type FakeHubSpot } from '@hookstream/testkit';
import { DEFERRED_MARKER, createEnricher, type DeferredOutcome } from './enrich.js';
import { registerReadMetrics } from './read-metrics.js';
import { createSnapshotLoader, type SnapshotLoaderOptions } from './snapshot-loader.js';

const PORTAL = 62515;
const log = createLogger({ name: 'loader-test', level: 'silent' });
let fake: FakeHubSpot;
beforeEach(async () => {
  fake = await startFakeHubSpot({ log: false });
  for (let id = 1; id <= 400; id++) fake.upsertObject(PORTAL, 'contact', { id, properties: { email: `c${id}@example.com` } });
});
afterEach(async () => fake.close());

function setup(o: Partial<SnapshotLoaderOptions> = {}) {
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const client = createBatchReadClient({ baseUrl: fake.url, tokenFor: () => 'tok', log, maxRequestsPer10s: 10_000 });
  const loader = createSnapshotLoader({ client, now: clock.now, ttlMs: 5_000, maxEntries: 1_000, lingerMs: 150, log, ...o });
  const completed: DeferredOutcome[][] = [];
  const enricher = createEnricher({
    client,
    loader,
    enabled: true,
    properties: { contact: ['email'] },
    retryBaseMs: 1_000,
    retryMaxMs: 60_000,
    now: clock.now,
    log,
    completeDeferred: async (outcomes) => void completed.push(outcomes),
  });
  return { clock, loader, enricher, completed };
}
const refs = (ids: number[], extra: { fresh?: boolean } = {}) => ids.map((objectId) => ({ portalId: PORTAL, objectType: 'contact', objectId, ...extra }));
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('snapshot loader', () => {
  it('serves an object read moments ago from the cache, and reads again once it expired', async () => {
    const s = setup();
    await s.enricher.enrich(refs([1, 2]));
    const again = await s.enricher.enrich(refs([2, 1]));
    expect(fake.calls).toHaveLength(1);
    expect(again.get(`${PORTAL}:contact:2`)).toMatchObject({ state: 'enriched', snapshot: { properties: { email: 'c2@example.com' } } });
    s.clock.advance(5_000);
    await s.enricher.enrich(refs([1]));
    expect(fake.calls).toHaveLength(2);
    expect(s.loader.stats).toMatchObject({ hits: 2, reads: 2 });
  });

  it('does not let a cached snapshot serve a deletion: that needs a read made after it', async () => {
    const s = setup();
    await s.enricher.enrich(refs([3]));
    fake.deleteObject(PORTAL, 'contact', 3);
    expect((await s.enricher.enrich(refs([3]))).get(`${PORTAL}:contact:3`)?.state).toBe('enriched');
    expect((await s.enricher.enrich(refs([3], { fresh: true }))).get(`${PORTAL}:contact:3`)?.state).toBe('not_found');
    expect(fake.calls).toHaveLength(2);
  });

  it('shares one in-flight read between batches asking for the same objects', async () => {
    const s = setup({ lingerMs: 0 });
    const [a, b] = await Promise.all([s.enricher.enrich(refs(range(1, 50))), s.enricher.enrich(refs(range(1, 50)))]);
    expect(fake.calls).toHaveLength(1);
    expect(a.get(`${PORTAL}:contact:50`)?.state).toBe('enriched');
    expect(b.get(`${PORTAL}:contact:50`)?.state).toBe('enriched');
  });

  it('with no burst, reads a partial group as soon as every running batch waits on it', async () => {
    const s = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Batch 2 is still decoding (a participant that has not asked yet): batch 1 must not read alone.
    const second = s.enricher.participate(async () => {
      await gate;
      return s.enricher.enrich(refs(range(21, 20)), undefined, 'inline');
    });
    const first = s.enricher.participate(() => s.enricher.enrich(refs(range(1, 20)), undefined, 'inline'));
    await new Promise((r) => setTimeout(r, 60));
    expect(fake.calls).toHaveLength(0);
    release();
    const [o1, o2] = await Promise.all([first, second]);
    expect(fake.calls.map((c) => c.ids.length)).toEqual([40]);
    expect([...o1.values(), ...o2.values()].every((o) => o.state === 'enriched')).toBe(true);
  });

  it('during a burst, batches never wait for a partial read: calls stay at ceil(objects / 100)', async () => {
    const s = setup();
    const batches = [range(1, 70), range(71, 70), range(141, 70), range(211, 70), range(281, 70)];
    const outcomes = await Promise.all(batches.map((ids) => s.enricher.participate(() => s.enricher.enrich(refs(ids), undefined, 'inline'))));
    const all = outcomes.flatMap((m) => [...m.values()]);
    const deferred = all.filter((o) => o.deferred);
    expect(deferred.length).toBeGreaterThan(0);
    expect(deferred.every((o) => o.state === 'pending' && o.error === DEFERRED_MARKER && o.nextAt === 1_000_000 + 60_000)).toBe(true);
    expect(all.filter((o) => !o.deferred).every((o) => o.state === 'enriched')).toBe(true);
    for (const m of outcomes) s.enricher.committed(m);
    await s.enricher.drain();
    expect(fake.calls.map((c) => c.ids.length)).toEqual([100, 100, 100, 50]);
    const done = s.completed.flat();
    expect(done).toHaveLength(deferred.length);
    expect(done.every((d) => d.outcome.state === 'enriched' && d.outcome.snapshot?.properties.email === `c${d.ref.objectId}@example.com`)).toBe(true);
    expect(s.loader.stats).toMatchObject({ reads: 4, partialReads: 1, deferred: deferred.length });
  });

  it('reads the tail of a burst after the linger even when nobody waits', async () => {
    const s = setup({ lingerMs: 50 });
    const out = await s.enricher.enrich(refs(range(1, 150)), undefined, 'inline');
    expect(fake.calls.map((c) => c.ids.length)).toEqual([100]);
    const tail = [...out.values()].filter((o) => o.deferred);
    expect(tail).toHaveLength(50);
    const results = await Promise.all(tail.map((o) => o.deferred?.result));
    expect(results.every((r) => r?.kind === 'found')).toBe(true);
    expect(fake.calls.map((c) => c.ids.length)).toEqual([100, 50]);
  });

  it('shows its counters on /metrics', async () => {
    const s = setup();
    const registry = createRegistry('processor');
    registerReadMetrics(registry, s.loader.stats);
    await s.enricher.enrich(refs([1, 2]));
    await s.enricher.enrich(refs([1]));
    const text = await registry.metrics();
    expect(text).toMatch(/hookstream_processor_hubspot_reads\{kind="all"[^}]*\} 1/);
    expect(text).toMatch(/hookstream_processor_hubspot_reads\{kind="partial_quiet"[^}]*\} 1/);
    expect(text).toMatch(/hookstream_processor_enrichment_objects\{served="cache"[^}]*\} 1/);
  });
});
