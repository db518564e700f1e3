import type { DataSource, QueryRunner } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../errors.js';
import { inTransaction } from './tx.js';

/** A DataSource stand-in whose transactions record what happened. */
function fakeDs(): { ds: DataSource; log: string[] } {
  const log: string[] = [];
  const ds = {
    createQueryRunner(): QueryRunner {
      let active = false;
      return {
        get isTransactionActive() {
          return active;
        },
        // TypeORM's per-runner scratch space, where a ledger id reservation is kept.
        data: {},
        connect: async () => undefined,
        query: async () => [],
        startTransaction: async (level?: string) => {
          active = true;
          log.push(`begin ${level}`);
        },
        commitTransaction: async () => {
          active = false;
          log.push('commit');
        },
        rollbackTransaction: async () => {
          active = false;
          log.push('rollback');
        },
        release: async () => undefined,
      } as unknown as QueryRunner;
    },
  } as unknown as DataSource;
  return { ds, log };
}

const driverError = (code: string, errno?: number) => Object.assign(new Error(code), { code, errno });
const opts = { lockWaitTimeoutSec: 1, sleep: async () => undefined };

describe('inTransaction', () => {
  it('retries deadlocks and lock timeouts up to 3 times, then reports the store as unavailable', async () => {
    const { ds, log } = fakeDs();
    let calls = 0;
    const ok = await inTransaction(ds, 't', opts, async () => {
      calls++;
      if (calls <= 3) throw driverError(calls % 2 ? 'ER_LOCK_DEADLOCK' : 'ER_LOCK_WAIT_TIMEOUT', calls % 2 ? 1213 : 1205);
      return 'done';
    });
    expect(ok).toBe('done');
    expect(log).toEqual([
      'begin READ COMMITTED',
      'rollback',
      'begin READ COMMITTED',
      'rollback',
      'begin READ COMMITTED',
      'rollback',
      'begin READ COMMITTED',
      'commit',
    ]);

    calls = 0;
    const err = await inTransaction(ds, 'persist', opts, async () => {
      calls++;
      throw driverError('ER_LOCK_DEADLOCK', 1213);
    }).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err).toMatchObject({ retryable: true, code: 'STORE_UNAVAILABLE' });
  });

  it('retries a duplicate key once (two writers creating the same row)', async () => {
    const { ds } = fakeDs();
    let calls = 0;
    await inTransaction(ds, 't', opts, async () => {
      if (++calls === 1) throw { driverError: driverError('ER_DUP_ENTRY', 1062) };
    });
    expect(calls).toBe(2);
    calls = 0;
    const err = await inTransaction(ds, 't', opts, async () => {
      calls++;
      throw driverError('ER_DUP_ENTRY', 1062);
    }).catch((e: unknown) => e);
    expect(calls).toBe(2);
    expect(err).toBeInstanceOf(StoreUnavailableError);
  });

  it('maps connection failures to a retryable error without retrying, and passes other errors through', async () => {
    const { ds } = fakeDs();
    let calls = 0;
    const down = await inTransaction(ds, 't', opts, async () => {
      calls++;
      throw driverError('ECONNREFUSED');
    }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(down).toBeInstanceOf(StoreUnavailableError);

    const bug = new TypeError('boom');
    await expect(inTransaction(ds, 't', opts, async () => Promise.reject(bug))).rejects.toBe(bug);
  });
});
