import { createHash } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { StoreError, StoreUnavailableError, StoreValidationError } from '../errors.js';
import { LedgerIdsExhausted, reservedIds } from './reservations.js';
import { num } from '../rows.js';
import type { LedgerEvent } from './types.js';

/** The ledger's columns a writer fills (all but the id), in the order prepareLedgerRow lists them. */
export const LEDGER_COLUMNS = [
  'provider',
  'source',
  'tenant',
  'type',
  'subject',
  'event_id',
  'idempotency_key',
  'occurred_at',
  'received_at',
  'processed_at',
  'request_id',
  'raw',
  'traceparent',
] as const;
const LEDGER_ROW = `(?, ${LEDGER_COLUMNS.map(() => '?').join(', ')})`;
const MAX_KEY = 255;
/** Where the identity's parts sit in PreparedLedgerRow.values. */
const IDENTITY_COLUMNS = (['provider', 'source', 'idempotency_key'] as const).map((c) => LEDGER_COLUMNS.indexOf(c));

/** A ledger row serialised for INSERT, with the identity the insert reports back on. */
export interface PreparedLedgerRow {
  identity: string;
  values: unknown[];
}

export interface LedgerChunking {
  /** Rows per multi-row INSERT. */
  chunkSize: number;
  /** Approximate payload bytes per INSERT, to stay well under max_allowed_packet. */
  chunkBytes: number;
}

/**
 * Validates and serialises one event (outside the transaction, so lock hold times stay short).
 * An idempotency key longer than the column is replaced by its SHA-256: still equal for equal
 * keys, so a provider may build keys from whatever fields identify its events.
 */
export function prepareLedgerRow(e: LedgerEvent, now: number): PreparedLedgerRow {
  const key = e.idempotencyKey.length > MAX_KEY ? `sha256:${createHash('sha256').update(e.idempotencyKey).digest('hex')}` : e.idempotencyKey;
  checkLedgerEvent(e);
  return {
    identity: identityOf(e.provider, e.source, key),
    values: [
      e.provider,
      e.source,
      e.tenant,
      e.type,
      e.subject,
      e.eventId,
      key,
      e.occurredAt,
      e.receivedAt,
      now,
      e.requestId,
      JSON.stringify(e.raw),
      traceparentOf(e),
    ],
  };
}

function checkLedgerEvent(e: LedgerEvent): void {
  const fail = (m: string): never => {
    throw new StoreValidationError(`ledger event ${e.provider}/${e.source} ${JSON.stringify(e.eventId).slice(0, 80)}: ${m}`);
  };
  if (!e.provider || e.provider.length > 32) fail('provider must be 1-32 characters');
  if (!e.source || e.source.length > 64) fail('source must be 1-64 characters');
  if (e.tenant !== null && e.tenant.length > 128) fail('tenant is longer than 128 characters');
  if (!e.type || e.type.length > 128) fail('type must be 1-128 characters');
  if (e.subject !== null && e.subject.length > 255) fail('subject is longer than 255 characters');
  if (e.eventId.length > 255) fail('eventId is longer than 255 characters');
  if (!e.idempotencyKey) fail('idempotencyKey is empty');
  if (!Number.isSafeInteger(e.occurredAt) || !Number.isSafeInteger(e.receivedAt)) fail('occurredAt and receivedAt must be epoch ms');
  if (e.requestId !== null && e.requestId.length > 64) fail('requestId is longer than 64 characters');
}

/** Trace context is never worth failing an event for: anything but a 55-character W3C value is stored as NULL. */
const traceparentOf = (e: LedgerEvent): string | null =>
  typeof e.traceparent === 'string' && /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(e.traceparent) ? e.traceparent : null;

const identityOf = (provider: string, source: string, key: string): string => `${provider}\u0000${source}\u0000${key}`;

/** Ledger inserts inside one transaction opened with `ledgerIds` (see inTransaction). */
export interface LedgerInsert {
  /** Inserts rows idempotently; answers each row's new id, or null for a row that was already stored. */
  insert(rows: readonly PreparedLedgerRow[]): Promise<Array<number | null>>;
}

/**
 * Inserts ledger rows with ids from the transaction's reservation (ledger/reservations.ts), so
 * writers insert side by side and ids still appear in commit order. A row is new exactly when
 * its id is in the table afterwards: the range is this transaction's alone.
 */
export async function openLedgerInsert(qr: QueryRunner, chunking: LedgerChunking): Promise<LedgerInsert> {
  let used = 0;
  return {
    async insert(rows) {
      if (rows.length === 0) return [];
      const range = reservedIds(qr);
      if (!range) throw new StoreError('STORE_USAGE', 'ledger rows need ids reserved for the transaction: inTransaction(…, { ledgerIds })');
      const first = range.firstId + used;
      if (first + rows.length - 1 > range.lastId) throw new LedgerIdsExhausted(used + rows.length, range.lastId - range.firstId + 1);
      used += rows.length;
      let inserted = 0;
      for (const chunk of chunkRows(
        rows.map((r, i) => [first + i, ...r.values]),
        chunking.chunkSize,
        chunking.chunkBytes,
      )) {
        const res = (await qr.query(
          `INSERT INTO events (id, ${LEDGER_COLUMNS.join(', ')}) VALUES ${chunk.map(() => LEDGER_ROW).join(', ')}
           ON DUPLICATE KEY UPDATE id = id`,
          chunk.flat(),
        )) as { affectedRows: number };
        // Without FOUND_ROWS (see createDataSource): 1 per new row, 0 per no-op duplicate.
        inserted += res.affectedRows;
      }
      if (inserted === rows.length) return rows.map((_, i) => first + i);
      return resolveDuplicates(qr, rows, first);
    },
  };
}

/**
 * Some rows were not inserted: each is a duplicate of a stored row (an id of ours that is not in
 * the table), or, if its id was taken by a row written without a reservation, not stored at
 * all, which must fail the transaction rather than pass for a duplicate.
 */
async function resolveDuplicates(qr: QueryRunner, rows: readonly PreparedLedgerRow[], first: number): Promise<Array<number | null>> {
  const present = (await qr.query('SELECT id, provider, source, idempotency_key FROM events WHERE id BETWEEN ? AND ?', [
    first,
    first + rows.length - 1,
  ])) as Array<Record<string, unknown>>;
  const byId = new Map(present.map((r) => [num(r.id), identityOf(String(r.provider), String(r.source), String(r.idempotency_key))]));
  const ids = rows.map((r, i) => (byId.get(first + i) === r.identity ? first + i : null));
  const missing = rows.filter((_, i) => ids[i] === null);
  const stored = await storedIdentities(qr, missing);
  const lost = missing.find((r) => !stored.has(r.identity));
  if (lost) throw new StoreUnavailableError('a ledger id was taken by a row written without a reservation; retrying with new ids');
  return ids;
}

async function storedIdentities(qr: QueryRunner, rows: readonly PreparedLedgerRow[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const hits = (await qr.query(
      `SELECT provider, source, idempotency_key FROM events WHERE ${chunk.map(() => '(provider = ? AND source = ? AND idempotency_key = ?)').join(' OR ')}`,
      chunk.flatMap((r) => IDENTITY_COLUMNS.map((c) => r.values[c])),
    )) as Array<Record<string, unknown>>;
    for (const r of hits) found.add(identityOf(String(r.provider), String(r.source), String(r.idempotency_key)));
  }
  return found;
}

/**
 * Splits rows by count and by approximate byte size (raw JSON dominates). Exported so the
 * benchmark's raw-insert ceiling chunks exactly like the writers.
 */
export function* chunkRows(rows: readonly unknown[][], maxRows: number, maxBytes: number): Generator<unknown[][]> {
  let current: unknown[][] = [];
  let bytes = 0;
  for (const row of rows) {
    let size = 64;
    for (const v of row) if (typeof v === 'string') size += v.length * 3;
    if (current.length > 0 && (current.length >= maxRows || bytes + size > maxBytes)) {
      yield current;
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) yield current;
}
