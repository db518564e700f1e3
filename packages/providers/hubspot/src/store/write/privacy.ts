import type { QueryRunner } from 'typeorm';
import { HUBSPOT_OBJECT_WHERE, hubspotObjectParams } from '../ledger-mapping.js';
import { num, parseJson } from '@hookstream/store';
import type { ObjectRef, StateUpdate } from '../types.js';
import { groupChanges, mergeState, refKey, type MergedState } from './state-merge.js';
import type { NewEvent } from './types.js';

/**
 * Fields of a stored raw event that survive a privacy deletion: identifiers, types and times,
 * nothing a person typed or HubSpot holds about them. Everything else (propertyValue, unknown
 * fields, free text) is dropped. The allowlist errs towards dropping: an unknown field could
 * hold anything.
 */
const RAW_KEEP: readonly string[] = [
  'eventId',
  'subscriptionId',
  'portalId',
  'appId',
  'occurredAt',
  'subscriptionType',
  'eventType',
  'attemptNumber',
  'objectId',
  'objectTypeId',
  'changeSource',
  'changeFlag',
  'propertyName',
  'fromObjectId',
  'toObjectId',
  'fromObjectTypeId',
  'toObjectTypeId',
  'associationType',
  'associationTypeId',
  'associationCategory',
  'associationRemoved',
  'isPrimaryAssociation',
  'primaryObjectId',
  'mergedObjectIds',
  'newObjectId',
  'numberOfPropertiesMoved',
  'messageType',
];

/** Marker added to a redacted raw event, so readers can tell a redaction from a sparse payload. */
export const REDACTED_MARKER = 'hookstreamRedacted';
export const REDACTION_NOTE = 'redacted: privacy deletion';

export function redactRaw(raw: unknown): Record<string, unknown> {
  const src = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const k of RAW_KEEP) if (Object.hasOwn(src, k)) out[k] = src[k];
  out[REDACTED_MARKER] = 'privacyDeletion';
  return out;
}

/** An event of a privacy-deleted object, as it may be stored: no value, no snapshot, minimal raw. */
export function redactEvent(e: NewEvent): NewEvent {
  return {
    ...e,
    propertyValue: null,
    raw: redactRaw(e.raw),
    enrichment: null,
    enrichmentState: e.enrichmentState === 'pending' ? 'skipped' : e.enrichmentState,
    enrichmentNextAt: null,
    enrichmentError: REDACTION_NOTE,
  };
}

/** Redacts an object's already-stored events (those not yet redacted). Returns how many changed. */
export async function redactStoredEvents(qr: QueryRunner, ref: ObjectRef): Promise<number> {
  const rows = (await qr.query(
    `SELECT e.id, e.raw FROM events e FORCE INDEX (ix_events_subject_timeline)
     WHERE ${HUBSPOT_OBJECT_WHERE} ORDER BY e.occurred_at, e.id FOR UPDATE`,
    hubspotObjectParams(ref),
  )) as Array<{ id: unknown; raw: unknown }>;
  let changed = 0;
  for (const r of rows) {
    const raw = parseJson(r.raw) as Record<string, unknown> | null;
    if (raw && raw[REDACTED_MARKER] !== undefined) continue;
    // The ledger row keeps ids, types and times; HubSpot's row loses the value and the snapshot.
    await qr.query(
      `UPDATE events e JOIN hubspot_events h ON h.id = e.id
       SET e.raw = ?, h.property_value = NULL, h.enrichment = NULL, h.enrichment_error = ?, h.enrichment_claim = NULL,
         h.enrichment_state = CASE WHEN h.enrichment_state = 'pending' THEN 'skipped' ELSE h.enrichment_state END,
         h.enrichment_next_at = NULL
       WHERE e.id = ?`,
      [JSON.stringify(redactRaw(raw)), REDACTION_NOTE, num(r.id)],
    );
    changed++;
  }
  return changed;
}

const MAX_CASCADE_ROUNDS = 10;

/**
 * Spreads privacy tombstones along merges, within the transaction: an object merged into a
 * privacy-deleted one is the same person's older record, so it is tombstoned too — whether the
 * merge or the deletion arrived first. Returns every object that became tombstoned in this
 * transaction (including `states`' own), whose stored events the caller must redact.
 *
 * Extra rows are locked after the batch's own (outside primary-key order); that only happens
 * around privacy deletions, and a deadlock it causes is retried like any other.
 */
export async function cascadeTombstones(qr: QueryRunner, states: Map<string, MergedState>, now: number): Promise<ObjectRef[]> {
  const newly = new Map<string, ObjectRef>();
  let frontier = [...states.values()];
  for (let round = 0; round < MAX_CASCADE_ROUNDS && frontier.length > 0; round++) {
    const pending = new Map<string, { ref: ObjectRef; updates: StateUpdate[] }>();
    const add = (ref: ObjectRef, at: number) => {
      const k = refKey(ref);
      if (newly.has(k) || states.get(k)?.after?.privacyDeletedAt != null) return;
      pending.set(k, { ref, updates: [{ kind: 'privacyDeleted', at }] });
    };
    for (const s of frontier) {
      const after = s.after;
      if (!after) continue;
      const isNew = after.privacyDeletedAt !== null && s.before?.privacyDeletedAt == null;
      if (isNew) {
        newly.set(refKey(s.ref), s.ref);
        // Objects merged into this one.
        const merged = (await qr.query(
          `SELECT object_id FROM object_state FORCE INDEX (ix_state_merged_into)
           WHERE portal_id = ? AND object_type = ? AND merged_into_object_id = ? AND privacy_deleted_at IS NULL
           ORDER BY object_id FOR UPDATE`,
          [s.ref.portalId, s.ref.objectType, s.ref.objectId],
        )) as Array<{ object_id: unknown }>;
        for (const m of merged) add({ ...s.ref, objectId: num(m.object_id) }, after.privacyDeletedAt as number);
      }
      // This object was (just) merged into one that is already privacy-deleted.
      if (after.privacyDeletedAt === null && after.mergedIntoObjectId !== null && after.mergedIntoObjectId !== s.before?.mergedIntoObjectId) {
        const [target] = (await qr.query(`SELECT privacy_deleted_at FROM object_state WHERE portal_id = ? AND object_type = ? AND object_id = ? FOR UPDATE`, [
          s.ref.portalId,
          s.ref.objectType,
          after.mergedIntoObjectId,
        ])) as Array<{ privacy_deleted_at: unknown }>;
        if (target && target.privacy_deleted_at !== null && target.privacy_deleted_at !== undefined) add(s.ref, num(target.privacy_deleted_at));
      }
    }
    if (pending.size === 0) break;
    const merged = await mergeState(qr, groupChanges([...pending.values()]), now);
    for (const [k, v] of merged) states.set(k, v);
    frontier = [...merged.values()];
  }
  return [...newly.values()];
}
