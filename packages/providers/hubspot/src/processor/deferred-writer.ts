import { type DataSource } from '@hookstream/store';
import { completeDeferredEnrichment } from '../store/index.js';
import { DEFERRED_MARKER, type DeferredOutcome } from './enrich.js';
import { snapshotUpdate } from './state-updates.js';

/** Writes deferred outcomes: the snapshot into object state, the outcome onto the waiting event rows. */
export function createDeferredWriter(ds: DataSource, now: () => number): (outcomes: DeferredOutcome[]) => Promise<void> {
  return async (outcomes) => {
    await completeDeferredEnrichment(ds, {
      marker: DEFERRED_MARKER,
      now: now(),
      results: outcomes.map(({ rowIds, outcome }) => ({
        ids: rowIds,
        state: outcome.state,
        enrichment: outcome.snapshot,
        error: outcome.error,
        nextAt: outcome.nextAt,
      })),
      state: outcomes.flatMap(({ ref, outcome, readAt }) => (outcome.snapshot ? [{ ref, updates: [snapshotUpdate(outcome.snapshot, readAt)] }] : [])),
    });
  };
}
