import type { DataSource, QueryRunner } from '@hookstream/store';
import type { Logger } from '@hookstream/observability';

/**
 * Leadership through a MariaDB/MySQL named lock (GET_LOCK) held by one dedicated connection:
 * the server releases it the moment that connection dies, so a replica killed with SIGKILL
 * hands the role over without any lease to wait out. Two leaders for a moment (a connection
 * lost without this replica noticing yet) is harmless: the fan-out's writes are idempotent.
 */
export interface Leadership {
  /** Tries to become (or confirms still being) the leader. */
  check(): Promise<boolean>;
  release(): Promise<void>;
}

const LOCK = "SHA1(CONCAT(?, '/', DATABASE()))";

export function createLeadership(ds: DataSource, name: string, log: Logger): Leadership {
  let qr: QueryRunner | null = null;
  let leading = false;
  const drop = async (): Promise<void> => {
    leading = false;
    const old = qr;
    qr = null;
    await old?.release().catch(() => undefined);
  };
  return {
    async check() {
      try {
        if (!qr) {
          qr = ds.createQueryRunner();
          await qr.connect();
        }
        if (leading) {
          const [row] = (await qr.query(`SELECT IS_USED_LOCK(${LOCK}) = CONNECTION_ID() AS mine`, [name])) as Array<{ mine: unknown }>;
          if (Number(row?.mine) === 1) return true;
          log.warn({ lock: name }, 'lost the fan-out lock');
          leading = false;
        }
        const [row] = (await qr.query(`SELECT GET_LOCK(${LOCK}, 0) AS got`, [name])) as Array<{ got: unknown }>;
        leading = Number(row?.got) === 1;
        if (leading) log.info({ lock: name }, 'took the fan-out lock: this replica reads the ledger');
        return leading;
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'fan-out lock check failed');
        await drop();
        return false;
      }
    },
    async release() {
      if (qr && leading) await qr.query(`SELECT RELEASE_LOCK(${LOCK})`, [name]).catch(() => undefined);
      await drop();
    },
  };
}
