import type { DataSource, QueryRunner } from 'typeorm';
import { StoreUnavailableError, classifyError, isDeadlockOrLockTimeout, isDuplicateKey } from '../errors.js';
import { abandonIds, forgetIds, LedgerIdsExhausted, releaseIds, reserveIds, reservedIds } from '../ledger/reservations.js';

export interface TxOptions {
  /** Seconds a statement waits for a row lock before failing (and being retried). */
  lockWaitTimeoutSec: number;
  /** Injected for tests; real code backs off briefly with jitter. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Ledger rows the transaction may insert (openLedgerInsert): that many ids are reserved before
   * it starts and released in it (ledger/reservations.ts). 0 or absent: none.
   */
  ledgerIds?: number;
}

const MAX_LOCK_RETRIES = 3;

/**
 * Runs `fn` in one READ COMMITTED transaction and retries the whole of it on deadlocks and lock
 * wait timeouts (up to 3 times), and once on a duplicate key (a safety net: mergeState already
 * absorbs concurrent creation of the same object_state row). Everything `fn` does
 * must therefore be safe to redo, which persist is: event inserts are idempotent and the state
 * merge is order-independent.
 *
 * READ COMMITTED, not the default REPEATABLE READ: locking reads of rows that do not exist yet
 * would otherwise take gap locks, and two writers inserting new objects into the same gap
 * deadlock each other constantly.
 *
 * A commit that fails on a lost connection has an unknown outcome; it surfaces as
 * StoreUnavailableError and the caller's retry is harmless for the same reason.
 */
export async function inTransaction<T>(ds: DataSource, what: string, opts: TxOptions, fn: (qr: QueryRunner) => Promise<T>): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let lockRetries = 0;
  let dupRetries = 0;
  let ledgerIds = opts.ledgerIds ?? 0;
  let growths = 0;
  for (;;) {
    const qr = ds.createQueryRunner();
    try {
      await qr.connect();
      await qr.query('SET SESSION innodb_lock_wait_timeout = ?', [opts.lockWaitTimeoutSec]);
      if (ledgerIds > 0) await reserveIds(qr, ledgerIds);
      await qr.startTransaction('READ COMMITTED');
      const result = await fn(qr);
      const ids = reservedIds(qr);
      if (ids) await releaseIds(qr, ids);
      await qr.commitTransaction();
      forgetIds(qr);
      return result;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      // Failing here too means the connection is gone: the next writer clears it then.
      await abandonIds(qr).catch(() => undefined);
      if (err instanceof LedgerIdsExhausted && growths < MAX_LOCK_RETRIES) {
        // Rows derived while writing outnumbered the reservation: run it again with room for them.
        growths++;
        ledgerIds = Math.max(err.needed, 2 * ledgerIds);
        continue;
      }
      if (isDeadlockOrLockTimeout(err) && lockRetries < MAX_LOCK_RETRIES) {
        lockRetries++;
        await sleep(5 * 2 ** lockRetries + Math.random() * 20);
        continue;
      }
      if (isDuplicateKey(err) && dupRetries < 1) {
        dupRetries++;
        continue;
      }
      if (isDuplicateKey(err)) throw new StoreUnavailableError(`${what}: concurrent writers kept colliding`, { cause: err });
      throw classifyError(err, what);
    } finally {
      await qr.release().catch(() => undefined);
    }
  }
}
