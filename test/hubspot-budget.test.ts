import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL, hsEvent, startTestFleet, type TestFleet } from './support/fleet.js';
import { waitUntil } from './support/wait.js';

const BUDGET = 6;
const WAVES = 30;

/**
 * HubSpot's batch-read limit is per app and portal. Three replicas on the 12 partitions share
 * HUBSPOT_MAX_REQUESTS_PER_10S between them (4 partitions each: 2 requests per 10 s each), so
 * the fake HubSpot, enforcing that same limit over its rolling window, never answers 429,
 * however the load falls on the replicas. Each replica alone would be allowed all 6.
 */
describe('one HubSpot request budget for the whole group', () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await startTestFleet({
      processors: 3,
      fakeRateLimitMax: BUDGET,
      // One read per wave and replica: no linger to merge waves, no cache to skip reads.
      processorEnv: { HUBSPOT_MAX_REQUESTS_PER_10S: String(BUDGET), ENRICH_BATCH_LINGER_MS: '0', ENRICH_CACHE_TTL_MS: '1' },
    });
    await fleet.groupStable(3);
  });
  afterAll(async () => fleet?.stop());

  it('three replicas together stay within the limit: no 429, every event enriched', async () => {
    const ids: number[] = [];
    for (let w = 0; w < WAVES; w++) {
      // Three contacts per wave, whose keys spread over the partitions (and so the replicas).
      const events = [0, 1, 2].map((k) => {
        const objectId = 70_000 + w * 3 + k;
        ids.push(objectId);
        fleet.fake.upsertObject(PORTAL, 'contact', { id: objectId, properties: { email: `c${objectId}@example.com` } });
        return hsEvent(9_000 + w * 3 + k, { objectId, occurredAt: 1_769_100_000_000 + w * 1000 + k });
      });
      expect((await fleet.post(events)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    await fleet.drained();
    await waitUntil(
      'every event enriched',
      async () => {
        const rows = (await fleet.ds.query(
          `SELECT COUNT(*) AS n FROM hubspot_event_rows WHERE object_id >= 70000 AND object_id < ${70_000 + WAVES * 3} AND enrichment_state = 'enriched'`,
        )) as Array<{ n: unknown }>;
        return Number(rows[0]?.n) === WAVES * 3;
      },
      120_000,
      500,
    );
    const calls = fleet.fake.calls.filter((c) => c.ids.some((id) => Number(id) >= 70_000));
    expect(calls.filter((c) => c.status === 429)).toEqual([]);
    // The load really was more than one replica's share: the group needed several windows.
    expect(calls.length).toBeGreaterThan(BUDGET);
    const sorted = calls.map((c) => c.at).sort((a, b) => a - b);
    for (const t of sorted) expect(sorted.filter((u) => u >= t && u < t + 10_000).length).toBeLessThanOrEqual(BUDGET);
  }, 180_000);
});
