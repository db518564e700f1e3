import type { DataSource } from 'typeorm';
import type { StoredEvent } from '../read/types.js';
import { num, numOrNull, parseJson, strOrNull } from '@hookstream/store';
import { isEnrichmentState } from '../rows.js';
import type { NewEvent } from '../write/types.js';

/**
 * `events` before the Ledger migration (1796113765490), column for column and in table order.
 * The hubspot_event_rows view promises exactly this layout, so one list serves both reads.
 */
export const PRE_LEDGER_COLUMNS = [
  'id',
  'provider',
  'portal_id',
  'app_id',
  'subscription_id',
  'event_id',
  'subscription_type',
  'object_type',
  'object_type_id',
  'object_id',
  'occurred_at',
  'received_at',
  'processed_at',
  'attempt_number',
  'change_source',
  'change_flag',
  'property_name',
  'property_value',
  'request_id',
  'raw',
  'enrichment',
  'enrichment_state',
  'enrichment_attempts',
  'enrichment_error',
  'enrichment_next_at',
  'enriched_at',
  'enrichment_claim',
] as const;
export type PreLedgerRow = Record<(typeof PRE_LEDGER_COLUMNS)[number], unknown>;
export type PreLedgerValues = Omit<PreLedgerRow, 'id'>;

/**
 * The row the pre-ledger writer stored for `e` persisted at `now`: a copy of its `eventValues`
 * (commit 2e735b2), so the fixture cannot drift from what production databases really hold.
 * `claim` is what the old sweeper's claimDue left on a leased pending row.
 */
export function preLedgerValues(e: NewEvent, now: number, claim: string | null = null): PreLedgerValues {
  const pending = e.enrichmentState === 'pending';
  return {
    provider: e.provider,
    portal_id: e.portalId,
    app_id: e.appId,
    subscription_id: e.subscriptionId,
    event_id: e.eventId,
    subscription_type: e.subscriptionType,
    object_type: e.objectType,
    object_type_id: e.objectTypeId,
    object_id: e.objectId,
    occurred_at: e.occurredAt,
    received_at: e.receivedAt,
    processed_at: now,
    attempt_number: e.attemptNumber,
    change_source: e.changeSource,
    change_flag: e.changeFlag,
    property_name: e.propertyName,
    property_value: e.propertyValue,
    request_id: e.requestId,
    raw: JSON.stringify(e.raw),
    enrichment: e.enrichment === null || e.enrichment === undefined ? null : JSON.stringify(e.enrichment),
    enrichment_state: e.enrichmentState,
    enrichment_attempts: e.enrichmentAttempts,
    enrichment_error: e.enrichmentError,
    enrichment_next_at: pending ? (e.enrichmentNextAt ?? now) : null,
    enriched_at: pending ? null : now,
    enrichment_claim: claim,
  };
}

/** Inserts rows one by one with raw SQL, letting AUTO_INCREMENT pick the ids as it did in production; answers the rows with their ids. */
export async function insertPreLedgerRows(ds: DataSource, rows: readonly PreLedgerValues[]): Promise<PreLedgerRow[]> {
  const columns = PRE_LEDGER_COLUMNS.filter((c) => c !== 'id');
  const out: PreLedgerRow[] = [];
  for (const r of rows) {
    const res = (await ds.query(
      `INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      columns.map((c) => r[c]),
    )) as { insertId: number };
    out.push({ id: res.insertId, ...r });
  }
  return out;
}

/** The StoredEvent a pre-ledger row's columns mean: what the reader answered before the ledger. */
export function storedEventOf(r: PreLedgerRow): StoredEvent {
  return {
    id: num(r.id),
    provider: String(r.provider),
    portalId: num(r.portal_id),
    appId: numOrNull(r.app_id),
    subscriptionId: num(r.subscription_id),
    eventId: num(r.event_id),
    subscriptionType: String(r.subscription_type),
    objectType: String(r.object_type),
    objectTypeId: strOrNull(r.object_type_id),
    objectId: num(r.object_id),
    occurredAt: num(r.occurred_at),
    receivedAt: num(r.received_at),
    processedAt: num(r.processed_at),
    attemptNumber: num(r.attempt_number),
    changeSource: strOrNull(r.change_source),
    changeFlag: strOrNull(r.change_flag),
    propertyName: strOrNull(r.property_name),
    propertyValue: strOrNull(r.property_value),
    requestId: strOrNull(r.request_id),
    raw: parseJson(r.raw),
    enrichment: {
      state: isEnrichmentState(r.enrichment_state) ? r.enrichment_state : 'pending',
      attempts: num(r.enrichment_attempts),
      error: strOrNull(r.enrichment_error),
      nextAttemptAt: numOrNull(r.enrichment_next_at),
      enrichedAt: numOrNull(r.enriched_at),
      snapshot: parseJson(r.enrichment),
    },
  };
}

/** Rows of `table` in the pre-ledger layout, in id order, as the driver returns them. */
export async function selectPreLedgerRows(ds: DataSource, table: 'events' | 'hubspot_event_rows'): Promise<PreLedgerRow[]> {
  return (await ds.query(`SELECT ${PRE_LEDGER_COLUMNS.join(', ')} FROM ${table} ORDER BY id`)) as PreLedgerRow[];
}

/**
 * Row count and an order-sensitive digest of every pre-ledger column, computed by the server
 * (QUOTE keeps NULL apart from 'NULL' and ''), so it does not depend on how the driver decodes.
 */
export async function preLedgerChecksum(ds: DataSource, table: 'events' | 'hubspot_event_rows'): Promise<{ n: number; sum: string }> {
  const row = PRE_LEDGER_COLUMNS.map((c) => `QUOTE(${c})`).join(", '|', ");
  const [r] = (await ds.query(`SELECT COUNT(*) AS n, MD5(GROUP_CONCAT(MD5(CONCAT(${row})) ORDER BY id SEPARATOR '')) AS sum FROM ${table}`)) as Array<{
    n: unknown;
    sum: unknown;
  }>;
  return { n: num(r?.n), sum: String(r?.sum) };
}
