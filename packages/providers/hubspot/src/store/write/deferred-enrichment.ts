import type { DataSource, QueryRunner } from 'typeorm';
import type { EnrichmentState, StateChange } from '../types.js';
import { groupChanges, mergeState } from './state-merge.js';
import { inTransaction } from '@hookstream/store';
import { clipError } from './validate.js';

export interface DeferredEnrichmentResult {
  /** The event rows that were stored waiting for this object's read. */
  ids: readonly number[];
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

/** Objects per UPDATE: each brings its snapshot (a few hundred bytes of JSON) once. */
const OBJECTS_PER_STATEMENT = 200;

/**
 * Completes events that were stored `pending` while their object's read was still queued behind
 * a burst (see the processor's snapshot loader), by their ids: one single-table UPDATE per few
 * hundred objects that share an outcome, each object's snapshot given once for all its rows. A
 * search through the ledger's timeline instead (a join per object) cost the server a temporary
 * table on disk and a millisecond or two per object. Rows claimed by a sweeper, or already
 * completed, are left alone; so is the snapshot of an object privacy-deleted meanwhile. Returns
 * the number of event rows completed.
 */
export async function completeDeferredEnrichment(ds: DataSource, input: CompleteDeferredInput): Promise<number> {
  const changes = groupChanges(input.state);
  const groups = byOutcome(input.results.filter((r) => r.ids.length > 0));
  if (groups.length === 0 && changes.length === 0) return 0;
  return inTransaction(ds, 'completeDeferredEnrichment', { lockWaitTimeoutSec: 10 }, async (qr) => {
    await mergeState(qr, changes, input.now);
    let completed = 0;
    for (const group of groups) {
      for (let i = 0; i < group.length; i += OBJECTS_PER_STATEMENT) {
        completed += await completeObjects(qr, group.slice(i, i + OBJECTS_PER_STATEMENT), input);
      }
    }
    return completed;
  });
}

/** Results that set the same state, error and retry time, so one statement can carry them. */
function byOutcome(results: readonly DeferredEnrichmentResult[]): DeferredEnrichmentResult[][] {
  const groups = new Map<string, DeferredEnrichmentResult[]>();
  for (const r of results) {
    const key = JSON.stringify([r.state, clipError(r.error), r.nextAt]);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

async function completeObjects(qr: QueryRunner, results: readonly DeferredEnrichmentResult[], input: CompleteDeferredInput): Promise<number> {
  const first = results[0];
  if (!first) return 0;
  const pending = first.state === 'pending';
  const snapshots = results.filter((r) => r.enrichment !== null && r.enrichment !== undefined);
  const ids = results.flatMap((r) => r.ids).sort((a, b) => a - b);
  const enrichment =
    snapshots.length === 0
      ? { sql: 'NULL', params: [] }
      : {
          sql: `CASE WHEN EXISTS (SELECT 1 FROM object_state s WHERE s.portal_id = hubspot_events.portal_id
              AND s.object_type = hubspot_events.object_type AND s.object_id = hubspot_events.object_id AND s.privacy_deleted_at IS NOT NULL)
            THEN NULL ${snapshots.map((r) => `WHEN id IN (${r.ids.map(() => '?').join(', ')}) THEN ?`).join(' ')} ELSE NULL END`,
          params: snapshots.flatMap((r) => [...r.ids, JSON.stringify(r.enrichment)]),
        };
  const res = (await qr.query(
    `UPDATE hubspot_events SET enrichment_state = ?, enrichment = ${enrichment.sql},
       enrichment_error = ?, enrichment_next_at = ?, enriched_at = ?
     WHERE id IN (${ids.map(() => '?').join(', ')})
       AND enrichment_state = 'pending' AND enrichment_claim IS NULL AND enrichment_error = ?`,
    [first.state, ...enrichment.params, clipError(first.error), pending ? (first.nextAt ?? input.now) : null, pending ? null : input.now, ...ids, input.marker],
  )) as { affectedRows?: number };
  return res.affectedRows ?? 0;
}
