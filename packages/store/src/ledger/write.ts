import { createHash } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { StoreError, StoreValidationError } from '../errors.js';
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
const LEDGER_ROW = `(${LEDGER_COLUMNS.map(() => '?').join(', ')})`;
const MAX_KEY = 255;

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

/** Ledger inserts inside one transaction, after the sequence lock (see openLedgerInsert). */
export interface LedgerInsert {
  /** Inserts rows idempotently; answers each row's new id, or null for a row that was already stored. */
  insert(rows: readonly PreparedLedgerRow[]): Promise<Array<number | null>>;
}

/**
 * Takes the ledger's sequence lock for the rest of the transaction. InnoDB hands out
 * AUTO_INCREMENT ids at insert time, not at commit: without this lock, writer A could take
 * id 10, writer B id 11, B commit first, and a changes-feed reader that already read past 11
 * would never see 10. Holding this row lock from the first insert to commit makes id order
 * equal commit order, for every provider at once. It also means no other transaction inserts
 * ledger rows meanwhile, so the rows above the highest id seen now are exactly this
 * transaction's: that is how an idempotent multi-row insert learns which rows were new.
 */
export async function openLedgerInsert(qr: QueryRunner, chunking: LedgerChunking): Promise<LedgerInsert> {
  const locked = (await qr.query('SELECT id FROM event_sequence WHERE id = 1 FOR UPDATE')) as unknown[];
  if (locked.length !== 1) throw new StoreError('STORE_SCHEMA', 'event_sequence row 1 is missing; run the migrations');
  const [top] = (await qr.query('SELECT COALESCE(MAX(id), 0) AS m FROM events')) as Array<{ m: unknown }>;
  let highest = num(top?.m ?? 0);
  return {
    async insert(rows) {
      let inserted = 0;
      for (const chunk of chunkRows(
        rows.map((r) => r.values),
        chunking.chunkSize,
        chunking.chunkBytes,
      )) {
        const res = (await qr.query(
          `INSERT INTO events (${LEDGER_COLUMNS.join(', ')}) VALUES ${chunk.map(() => LEDGER_ROW).join(', ')}
           ON DUPLICATE KEY UPDATE id = id`,
          chunk.flat(),
        )) as { affectedRows: number };
        // Without FOUND_ROWS (see createDataSource): 1 per new row, 0 per no-op duplicate.
        inserted += res.affectedRows;
      }
      if (inserted === 0) return rows.map(() => null);
      const fresh = (await qr.query('SELECT id, provider, source, idempotency_key FROM events WHERE id > ? ORDER BY id', [highest])) as Array<
        Record<string, unknown>
      >;
      const ids = new Map<string, number>();
      for (const r of fresh) ids.set(identityOf(String(r.provider), String(r.source), String(r.idempotency_key)), num(r.id));
      const last = fresh[fresh.length - 1];
      if (last) highest = num(last.id);
      // A key twice in one call is stored once: the first row gets the id, the copy is a duplicate.
      return rows.map((r) => {
        const id = ids.get(r.identity);
        if (id === undefined) return null;
        ids.delete(r.identity);
        return id;
      });
    },
  };
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
