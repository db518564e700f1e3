import type { DataSource } from 'typeorm';
import { HUBSPOT_OBJECT_WHERE, hubspotObjectParams } from '../ledger-mapping.js';
import type { EnrichmentState, ObjectRef, StateChange } from '../types.js';
import { compareRefs, groupChanges, mergeState } from './state-merge.js';
import { inTransaction } from '@hookstream/store';
import { clipError } from './validate.js';

export interface DeferredEnrichmentResult {
  ref: ObjectRef;
  state: EnrichmentState;
  enrichment: unknown | null;
  error: string | null;
  /** For `pending` (the read failed): when the sweeper may try again. */
  nextAt: number | null;
}

export interface CompleteDeferredInput {
  results: DeferredEnrichmentResult[];
  /** Snapshot updates for object_state, merged first (same lock order as persist). */
  state: StateChange[];
  /** Only rows still pending with exactly this error are completed: the marker the batch stored. */
  marker: string;
  now: number;
}

/**
 * Completes events that were stored `pending` while their object's read was still queued behind
 * a burst (see the processor's snapshot loader): one UPDATE per object, through the timeline
 * index (the ledger's). Rows claimed by a sweeper, or already completed, are left alone; so is the snapshot of
 * an object privacy-deleted meanwhile. Returns the number of event rows completed.
 */
export async function completeDeferredEnrichment(ds: DataSource, input: CompleteDeferredInput): Promise<number> {
  const changes = groupChanges(input.state);
  const results = [...input.results].sort((a, b) => compareRefs(a.ref, b.ref));
  if (results.length === 0) return 0;
  return inTransaction(ds, 'completeDeferredEnrichment', { lockWaitTimeoutSec: 10 }, async (qr) => {
    await mergeState(qr, changes, input.now);
    let completed = 0;
    for (const r of results) {
      const pending = r.state === 'pending';
      const res = (await qr.query(
        `UPDATE hubspot_events h JOIN events e ON e.id = h.id
         SET h.enrichment_state = ?,
           h.enrichment = CASE WHEN EXISTS (SELECT 1 FROM object_state s WHERE s.portal_id = h.portal_id
             AND s.object_type = h.object_type AND s.object_id = h.object_id AND s.privacy_deleted_at IS NOT NULL)
             THEN NULL ELSE ? END,
           h.enrichment_error = ?, h.enrichment_next_at = ?, h.enriched_at = ?
         WHERE ${HUBSPOT_OBJECT_WHERE}
           AND h.enrichment_state = 'pending' AND h.enrichment_claim IS NULL AND h.enrichment_error = ?`,
        [
          r.state,
          r.enrichment === null || r.enrichment === undefined ? null : JSON.stringify(r.enrichment),
          clipError(r.error),
          pending ? (r.nextAt ?? input.now) : null,
          pending ? null : input.now,
          ...hubspotObjectParams(r.ref),
          input.marker,
        ],
      )) as { affectedRows?: number };
      completed += res.affectedRows ?? 0;
    }
    return completed;
  });
}
