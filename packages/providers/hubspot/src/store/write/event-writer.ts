import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { hubspotLedgerEvent } from '../ledger-mapping.js';
import { chunkRows, openLedgerInsert, prepareLedgerRow, type LedgerChunking, type PreparedLedgerRow } from '@hookstream/store';
import { num } from '@hookstream/store';
import { writeAssociations } from './associations.js';
import { cascadeTombstones, redactEvent, redactStoredEvents } from './privacy.js';
import { groupChanges, mergeState, refKey } from './state-merge.js';
import { inTransaction, type TxOptions } from '@hookstream/store';
import type { ClaimedEvent, EventWriter, EventWriterOptions, NewEvent, PersistResult } from './types.js';
import { clipError, validateEvents } from './validate.js';

/** hubspot_events columns after `id`, in the order hubspotValues() lists them. */
export const HUBSPOT_EVENT_COLUMNS = [
  'id',
  'portal_id',
  'app_id',
  'subscription_id',
  'event_id',
  'object_type',
  'object_type_id',
  'object_id',
  'attempt_number',
  'change_source',
  'change_flag',
  'property_name',
  'property_value',
  'enrichment',
  'enrichment_state',
  'enrichment_attempts',
  'enrichment_error',
  'enrichment_next_at',
  'enriched_at',
] as const;
const HUBSPOT_ROW = `(${HUBSPOT_EVENT_COLUMNS.map(() => '?').join(', ')})`;

interface PreparedEvent {
  ledger: PreparedLedgerRow;
  /** hubspot_events values after the id. */
  details: unknown[];
}

export function createEventWriter(ds: DataSource, opts: EventWriterOptions = {}): EventWriter {
  const chunking: LedgerChunking = { chunkSize: opts.chunkSize ?? 500, chunkBytes: opts.chunkBytes ?? 4 * 1024 * 1024 };
  const tx: TxOptions = { lockWaitTimeoutSec: opts.lockWaitTimeoutSec ?? 10, ...(opts.sleep ? { sleep: opts.sleep } : {}) };

  return {
    async persist(input) {
      validateEvents(input.events);
      const associations = input.associations ?? [];
      // Every event's object row is locked (created only if it has updates): a privacy tombstone
      // committed by another writer is then seen before this batch inserts that object's events.
      const changes = groupChanges([
        ...input.state,
        ...input.events.map((e) => ({ ref: { portalId: e.portalId, objectType: e.objectType, objectId: e.objectId }, updates: [] })),
      ]);
      if (input.events.length === 0 && changes.length === 0 && associations.length === 0) return { inserted: 0, duplicates: 0, ids: [] };
      // Serialised once, outside the transaction, so retries and lock hold times stay short.
      const plain = input.events.map((e) => prepareEvent(e, input.now));
      return inTransaction(ds, 'persist', { ...tx, ledgerIds: input.events.length }, async (qr): Promise<PersistResult> => {
        // Lock order everywhere: object_state rows (PK order) → object_associations rows (PK
        // order) → events (ids reserved before the transaction, see inTransaction's ledgerIds).
        const states = await mergeState(qr, changes, input.now);
        const newlyTombstoned = await cascadeTombstones(qr, states, input.now);
        await writeAssociations(qr, associations, input.now);
        if (input.events.length === 0 && newlyTombstoned.length === 0) return { inserted: 0, duplicates: 0, ids: [] };
        const ledger = await openLedgerInsert(qr, chunking);
        for (const ref of newlyTombstoned) await redactStoredEvents(qr, ref);
        // Events of a privacy-deleted object are stored redacted, however late they arrive.
        const rows = input.events.map((e, i) =>
          states.get(refKey({ portalId: e.portalId, objectType: e.objectType, objectId: e.objectId }))?.after?.privacyDeletedAt != null
            ? prepareEvent(redactEvent(e), input.now)
            : (plain[i] as PreparedEvent),
        );
        const ids = await ledger.insert(rows.map((r) => r.ledger));
        const details = ids.flatMap((id, i) => (id === null ? [] : [[id, ...(rows[i] as PreparedEvent).details]]));
        for (const chunk of chunkRows(details, chunking.chunkSize, chunking.chunkBytes)) {
          await qr.query(`INSERT INTO hubspot_events (${HUBSPOT_EVENT_COLUMNS.join(', ')}) VALUES ${chunk.map(() => HUBSPOT_ROW).join(', ')}`, chunk.flat());
        }
        const inserted = details.length;
        return { inserted, duplicates: input.events.length - inserted, ids };
      });
    },

    async claimDue({ now, limit, leaseMs }) {
      if (limit <= 0) return [];
      const token = randomUUID();
      const until = now + leaseMs;
      return inTransaction(ds, 'claimDue', tx, async (qr): Promise<ClaimedEvent[]> => {
        // UPDATE … ORDER BY … LIMIT is the claim both servers support (no SKIP LOCKED on older
        // MariaDB). Moving next_at past the lease hides the rows from other sweepers; if this
        // replica dies, they become due again when the lease runs out.
        await qr.query(
          `UPDATE hubspot_events SET enrichment_claim = ?, enrichment_next_at = ?
           WHERE enrichment_state = 'pending' AND enrichment_next_at <= ?
           ORDER BY enrichment_next_at, id LIMIT ?`,
          [token, until, now, limit],
        );
        // Equality on (state, next_at) reads the claimed rows through ix_hubspot_events_enrichment_due.
        const rows = (await qr.query(
          `SELECT id, portal_id, object_type, object_id, enrichment_attempts FROM hubspot_events
           WHERE enrichment_state = 'pending' AND enrichment_next_at = ? AND enrichment_claim = ?
           ORDER BY id`,
          [until, token],
        )) as Array<Record<string, unknown>>;
        return rows.map((r) => ({
          id: num(r.id),
          portalId: num(r.portal_id),
          objectType: String(r.object_type),
          objectId: num(r.object_id),
          enrichmentAttempts: num(r.enrichment_attempts),
        }));
      });
    },

    async completeEnrichment(input) {
      const changes = groupChanges(input.state);
      const results = [...input.results].sort((a, b) => a.id - b.id);
      if (results.length === 0 && changes.length === 0) return;
      await inTransaction(ds, 'completeEnrichment', tx, async (qr) => {
        // Same lock order as persist (state before events), or a duplicate delivery being
        // persisted while its event is being completed could deadlock.
        await mergeState(qr, changes, input.now);
        for (const r of results) {
          const pending = r.state === 'pending';
          // A snapshot read for an object that has since been privacy-deleted is not stored (its
          // object_state row is locked above whenever a snapshot is part of this call).
          await qr.query(
            `UPDATE hubspot_events SET enrichment_state = ?,
               enrichment = CASE WHEN EXISTS (SELECT 1 FROM object_state s WHERE s.portal_id = hubspot_events.portal_id
                 AND s.object_type = hubspot_events.object_type AND s.object_id = hubspot_events.object_id AND s.privacy_deleted_at IS NOT NULL)
                 THEN NULL ELSE ? END,
               enrichment_error = ?, enrichment_next_at = ?, enrichment_attempts = ?, enriched_at = ?, enrichment_claim = NULL
             WHERE id = ?`,
            [
              r.state,
              r.enrichment === null || r.enrichment === undefined ? null : JSON.stringify(r.enrichment),
              clipError(r.error),
              pending ? (r.nextAt ?? input.now) : null,
              r.attempts,
              pending ? null : input.now,
              r.id,
            ],
          );
        }
      });
    },
  };
}

function prepareEvent(e: NewEvent, now: number): PreparedEvent {
  const pending = e.enrichmentState === 'pending';
  return {
    ledger: prepareLedgerRow(hubspotLedgerEvent(e), now),
    details: [
      e.portalId,
      e.appId,
      e.subscriptionId,
      e.eventId,
      e.objectType,
      e.objectTypeId,
      e.objectId,
      e.attemptNumber,
      e.changeSource,
      e.changeFlag,
      e.propertyName,
      e.propertyValue,
      e.enrichment === null || e.enrichment === undefined ? null : JSON.stringify(e.enrichment),
      e.enrichmentState,
      e.enrichmentAttempts,
      clipError(e.enrichmentError),
      pending ? (e.enrichmentNextAt ?? now) : null,
      pending ? null : now,
    ],
  };
}
