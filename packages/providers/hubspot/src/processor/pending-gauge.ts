import { Gauge, type Logger, type Registry } from '@hookstream/observability';
import type { DataSource } from '@hookstream/store';

/** Scrapes within this long reuse the last count: every replica exports it, the database answers once per period each. */
const CACHE_MS = 15_000;

/**
 * Events stored without their HubSpot snapshot yet (the sweeper completes them): the backlog
 * the "pending enrichment" alert watches. Counted over the (enrichment_state, next_at) index.
 */
export function registerPendingEnrichmentGauge(registry: Registry, ds: DataSource, log: Logger): void {
  let cached: { at: number; n: number } | undefined;
  new Gauge({
    name: 'hookstream_hubspot_enrichment_pending',
    help: 'HubSpot events stored with enrichment still pending (the sweeper retries them)',
    registers: [registry],
    async collect() {
      try {
        if (!cached || Date.now() - cached.at >= CACHE_MS) {
          const rows = (await ds.query("SELECT COUNT(*) AS n FROM hubspot_events WHERE enrichment_state = 'pending'")) as Array<{ n: unknown }>;
          cached = { at: Date.now(), n: Number(rows[0]?.n ?? 0) };
        }
        this.set(cached.n);
      } catch (err) {
        log.debug({ err }, 'counting pending enrichment failed');
      }
    },
  });
}
