import { Gauge, type Registry } from '@hookstream/observability';
import type { LoaderStats } from './snapshot-loader.js';

/**
 * The snapshot loader's counters on /metrics, read when scraped. Gauges (not counters) because
 * their values are copied from the loader; they only grow within a process.
 */
export function registerReadMetrics(registry: Registry, stats: LoaderStats): void {
  new Gauge({
    name: 'hookstream_processor_hubspot_reads',
    help: 'HubSpot batch-read calls of this replica since start; partial = fewer than 100 ids, by why they went early',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.set({ kind: 'all' }, stats.reads);
      for (const [why, n] of Object.entries(stats.partialBy)) this.set({ kind: `partial_${why}` }, n);
    },
  });
  new Gauge({
    name: 'hookstream_processor_enrichment_objects',
    help: 'Objects served without a call of their own since start: cache hits, reads shared with another batch, and objects deferred to a shared read during a burst',
    labelNames: ['served'],
    registers: [registry],
    collect() {
      this.set({ served: 'cache' }, stats.hits);
      this.set({ served: 'shared_read' }, stats.coalesced);
      this.set({ served: 'deferred' }, stats.deferred);
    },
  });
}
