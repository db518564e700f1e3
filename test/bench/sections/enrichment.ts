import { runEnrichmentBurst } from '../enrichment-burst.js';
import type { BenchEnv } from '../env.js';
import type { Figure } from '../report.js';
import type { Profile } from '../profiles.js';

/**
 * Batch-read calls per 1,000 events on an import-like burst, through the real path (signed
 * deliveries → edge → Kafka → processor → database, the fake HubSpot counting calls): the
 * runEnrichmentBurst harness of test/bench/enrichment-burst.ts, live (processors running while
 * the burst is posted at HubSpot's pace). Ceiling: every object read once, 100 per call.
 */
export async function runEnrichmentSection(env: BenchEnv, profile: Profile): Promise<Figure[]> {
  env.progress(`enrichment: import burst of ${profile.burstContacts} contacts × 4 events, live, 1 replica`);
  const r = await runEnrichmentBurst({
    brokers: env.brokers,
    databaseServerUrl: env.databaseServerUrl,
    contacts: profile.burstContacts,
    replicas: 1,
    mode: 'live',
    log: env.log,
    progress: (line) => env.progress(`enrichment: ${line}`),
    processorEnv: profile.processorEnv,
  });
  return [
    {
      id: 'enrichment.callsPer1000',
      label: 'batch-read calls per 1,000 events (import burst)',
      value: r.callsPer1000Events,
      unit: 'calls',
      ceiling: (r.minCalls / r.events) * 1000,
      ceilingLabel: 'every object read once, 100 per call',
      higherIsBetter: false,
      note: `${r.events} events on ${r.distinctObjects} contacts through edge → Kafka → 1 processor, live; ${r.calls} calls (${r.retries} retried, ${r.partialCalls} partial), ${r.seconds} s`,
      details: { ...r },
    },
  ];
}
