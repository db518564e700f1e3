import type { QueryRunner } from 'typeorm';
import { StoreError, StoreUnavailableError } from '../errors.js';
import { num } from '../rows.js';

/**
 * Commit order for the changes feed, with writers inserting side by side.
 *
 * The feed promises that a reader who has read up to id N never later sees a new row below N. A
 * writer therefore reserves its ids before its transaction starts: in one short transaction of its
 * own (on the same connection) it moves `event_sequence.next_id` (which only grows) past `n` ids
 * and registers the range in `ledger_reservations`. Its transaction inserts rows with ids from the
 * range and deletes the reservation, so both become visible at its commit. Readers stop below the
 * lowest open reservation (LEDGER_WATERMARK): every id under it is either committed or will never
 * be. Ranges never overlap, so a multi-row insert learns which rows were new from its own range.
 *
 * Before, one row lock taken before the first insert and held to commit did this; it made every
 * writer of every replica insert one after another. The reservation is taken before the
 * transaction (a second connection while holding the first could starve a small pool), so a
 * transaction that waits on object locks keeps the feed waiting too, as long as it waits.
 *
 * A reservation left behind is cleared: by its writer after a rollback, and, when the writer's
 * connection is gone (a crashed process: the server rolled its transaction back), by the next
 * writer to reserve. A writer whose reservation was cleared cannot commit (deleting it finds no
 * row) and retries.
 */
export const LEDGER_WATERMARK = '(SELECT COALESCE(MIN(r.first_id), 18446744073709551615) FROM ledger_reservations r)';

/**
 * A transaction inserted more ledger rows than it reserved ids for (a provider that derives rows
 * while it writes, like geofence entries). inTransaction runs it again with at least `needed`.
 */
export class LedgerIdsExhausted extends StoreError {
  readonly needed: number;
  constructor(needed: number, reserved: number) {
    super('STORE_LEDGER_IDS', `${needed} ledger rows in a transaction that reserved ${reserved} ids`, { retryable: true });
    this.name = 'LedgerIdsExhausted';
    this.needed = needed;
  }
}

export interface IdRange {
  firstId: number;
  lastId: number;
}

/** A reservation older than this whose connection the server no longer lists is abandoned. */
const ABANDONED_AFTER_MS = 1_000;
const SERVER_NOW_MS = 'CAST(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000 AS SIGNED)';
/** Where a runner keeps its transaction's reservation (QueryRunner.data is TypeORM's per-runner scratch space). */
const KEY = 'hookstreamLedgerIds';

/** The range reserved for the runner's current transaction, if any. */
export function reservedIds(qr: QueryRunner): IdRange | undefined {
  return (qr.data as Record<string, IdRange | undefined>)[KEY];
}

/** Reserves `n` ids for the transaction about to start on `qr` (which must not be in one). */
export async function reserveIds(qr: QueryRunner, n: number): Promise<IdRange> {
  if (!Number.isSafeInteger(n) || n < 1) throw new StoreError('STORE_USAGE', `cannot reserve ${n} ledger ids`);
  await qr.startTransaction('READ COMMITTED');
  let stale = 0;
  try {
    // The floor: rows inserted without a reservation (bulk loads, upgrades) must not be overtaken.
    const [seen] = (await qr.query(
      `SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM events) AS floor,
         (SELECT COUNT(*) FROM ledger_reservations WHERE reserved_at < ${SERVER_NOW_MS} - ?) AS stale`,
      [ABANDONED_AFTER_MS],
    )) as Array<{ floor: unknown; stale: unknown }>;
    stale = num(seen?.stale ?? 0);
    // LAST_INSERT_ID(expr) hands the new value back as the statement's insert id.
    const moved = (await qr.query('UPDATE event_sequence SET next_id = LAST_INSERT_ID(GREATEST(next_id, ?) + ?) WHERE id = 1', [num(seen?.floor ?? 1), n])) as {
      affectedRows?: number;
      insertId?: number | string;
    };
    if (moved.affectedRows !== 1) throw new StoreError('STORE_SCHEMA', 'event_sequence row 1 is missing; run the migrations');
    const range = { firstId: num(moved.insertId) - n, lastId: num(moved.insertId) - 1 };
    await qr.query(`INSERT INTO ledger_reservations (first_id, last_id, connection_id, reserved_at) VALUES (?, ?, CONNECTION_ID(), ${SERVER_NOW_MS})`, [
      range.firstId,
      range.lastId,
    ]);
    await qr.commitTransaction();
    (qr.data as Record<string, IdRange | undefined>)[KEY] = range;
    // Ours is committed; an abandoned one below it (rare) is cleared now so readers can pass it.
    if (stale > 0) await clearAbandoned(qr);
    return range;
  } catch (err) {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    throw err;
  }
}

/**
 * Deletes the reservation inside the transaction that used it, so both commit together. No row:
 * another writer took this connection for dead and cleared it, and readers may have moved past.
 */
export async function releaseIds(qr: QueryRunner, range: IdRange): Promise<void> {
  const res = (await qr.query('DELETE FROM ledger_reservations WHERE first_id = ?', [range.firstId])) as { affectedRows?: number };
  if (res.affectedRows !== 1) throw new StoreUnavailableError(`ledger ids ${range.firstId}-${range.lastId} were released by another writer; retrying`);
}

/** After a rollback: the reservation (if any) is given up, so readers need not wait for it. */
export async function abandonIds(qr: QueryRunner): Promise<void> {
  const range = reservedIds(qr);
  forgetIds(qr);
  if (range) await qr.query('DELETE FROM ledger_reservations WHERE first_id = ?', [range.firstId]);
}

/** Forgets the runner's reservation once its transaction committed (the row went with it). */
export function forgetIds(qr: QueryRunner): void {
  (qr.data as Record<string, IdRange | undefined>)[KEY] = undefined;
}

/** Clears reservations of connections the server no longer has (their transactions are rolled back). */
async function clearAbandoned(qr: QueryRunner): Promise<void> {
  const stale = (await qr.query(`SELECT first_id FROM ledger_reservations WHERE reserved_at < ${SERVER_NOW_MS} - ?`, [ABANDONED_AFTER_MS])) as Array<{
    first_id: unknown;
  }>;
  if (stale.length === 0) return;
  await qr.query(
    `DELETE FROM ledger_reservations WHERE first_id IN (${stale.map(() => '?').join(', ')})
       AND connection_id NOT IN (SELECT ID FROM information_schema.PROCESSLIST)`,
    stale.map((r) => num(r.first_id)),
  );
}
