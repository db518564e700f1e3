import type { DataSource } from 'typeorm';
import { StoreValidationError, classifyError } from '../errors.js';
import { num, parseJson, strOrNull } from '../rows.js';
import { buildLedgerChangesQuery, buildLedgerListQuery, type Sql, type SqlExtension } from './sql.js';
import type { LedgerChangesQuery, LedgerQuery, LedgerRecord } from './types.js';

/** Upper bound on one page; the API allows 1000 (+1 to detect a further page). */
export const MAX_LIMIT = 10_000;

/** A ledger row with the provider's extra columns (when the read joined them). */
export type LedgerRowWith = { record: LedgerRecord; row: Record<string, unknown> };

export interface LedgerReader {
  /** Events in (occurred_at, id) order, keyset-paged. */
  list(q: LedgerQuery, ext?: SqlExtension): Promise<LedgerRowWith[]>;
  /** Events in ingestion (id) order after `afterId`: commit order (see ledger/reservations.ts). */
  changes(q: LedgerChangesQuery, ext?: SqlExtension): Promise<LedgerRowWith[]>;
  /** Any read-only query, with the store's error classification (outage → 503, bad input → 400). */
  query(what: string, sql: Sql): Promise<Array<Record<string, unknown>>>;
}

export function createLedgerReader(ds: DataSource): LedgerReader {
  const query = async (what: string, { sql, params }: Sql): Promise<Array<Record<string, unknown>>> => {
    try {
      return (await ds.query(sql, params)) as Array<Record<string, unknown>>;
    } catch (err) {
      throw classifyError(err, what);
    }
  };
  const withRecords = (rows: Array<Record<string, unknown>>): LedgerRowWith[] => rows.map((row) => ({ record: ledgerFromRow(row), row }));
  return {
    query,
    async list(q, ext) {
      checkLimit(q.limit);
      return withRecords(await query('list events', buildLedgerListQuery(q, ext)));
    },
    async changes(q, ext) {
      checkLimit(q.limit);
      return withRecords(await query('read changes', buildLedgerChangesQuery(q, ext)));
    },
  };
}

export function ledgerFromRow(r: Record<string, unknown>): LedgerRecord {
  return {
    id: num(r.id),
    provider: String(r.provider),
    source: String(r.source),
    tenant: strOrNull(r.tenant),
    type: String(r.type),
    subject: strOrNull(r.subject),
    eventId: String(r.event_id),
    idempotencyKey: String(r.idempotency_key),
    occurredAt: num(r.occurred_at),
    receivedAt: num(r.received_at),
    processedAt: num(r.processed_at),
    requestId: strOrNull(r.request_id),
    raw: parseJson(r.raw),
  };
}

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new StoreValidationError(`limit must be an integer between 1 and ${MAX_LIMIT}`);
  }
}
