import mysql2 from 'mysql2';
import { DataSource, type Logger as OrmLogger, type MigrationInterface } from 'typeorm';
import type { Logger } from '@hookstream/observability';
import { ENTITIES } from './entities.js';
import { queryFormat } from './sql-format.js';
import { Initial1732300000000 } from './migrations/1732300000000-Initial.js';
import { ObjectRelations1795411426721 } from './migrations/1795411426721-ObjectRelations.js';
import { PortalTokens1795411783285 } from './migrations/1795411783285-PortalTokens.js';
import { Ledger1796113765490 } from './migrations/1796113765490-Ledger.js';
import { Deliveries1796123184859 } from './migrations/1796123184859-Deliveries.js';
import { DeliveryDestinations1796126400000 } from './migrations/1796126400000-DeliveryDestinations.js';
import { LedgerTraceparent1796146800000 } from './migrations/1796146800000-LedgerTraceparent.js';
import { LedgerReservations1796200000000 } from './migrations/1796200000000-LedgerReservations.js';

export interface DataSourceOptions {
  /** `mysql://user:pass@host:port/db` */
  url: string;
  log?: Logger;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Providers' own migrations, applied with the shared ones in timestamp order (see Provider.migrations). */
  migrations?: readonly MigrationClass[];
  /**
   * TLS to the server (mysql2's `ssl`), as @hookstream/config's databaseTls() builds it from
   * DATABASE_SSL*: `rejectUnauthorized: false` is DATABASE_SSL=require, true with a CA verify-ca,
   * plus `verifyIdentity` verify-full. Unset: plain TCP.
   */
  ssl?: DatabaseTlsOptions;
}

export interface DatabaseTlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  verifyIdentity: boolean;
}

/** A TypeORM migration class; its name ends with the timestamp that orders it. */
export type MigrationClass = new () => MigrationInterface;

/**
 * The shared migrations, in order. Listed explicitly: globs break under bundlers and tsx. Those
 * written before providers had their own place (HubSpot's tables among them) stay here, under the
 * names the `migrations` table already holds; a provider's new tables come with the provider.
 */
export const MIGRATIONS = [
  Initial1732300000000,
  ObjectRelations1795411426721,
  PortalTokens1795411783285,
  Ledger1796113765490,
  Deliveries1796123184859,
  DeliveryDestinations1796126400000,
  LedgerTraceparent1796146800000,
  LedgerReservations1796200000000,
];

/**
 * Builds (does not connect) a DataSource for MySQL 8 / MariaDB 10.11. Call `initialize()`.
 *
 * - BIGINT columns come back as JS numbers (`bigNumberStrings: false`); HubSpot ids fit in 2^53.
 * - FOUND_ROWS is switched off so `INSERT … ON DUPLICATE KEY UPDATE id = id` reports 0 affected
 *   rows for a duplicate (with the flag, mysql2's default, it would report 1 like an insert).
 * - `timezone: 'Z'` and epoch-ms columns keep times free of server/session time zones.
 * - `queryFormat` (sql-format.ts) inlines plain scalar parameters without mysql2's per-character
 *   escaping walk over JSON payloads; anything else is still formatted by mysql2.
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'mysql',
    driver: mysql2,
    url: options.url,
    charset: 'utf8mb4',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    flags: ['-FOUND_ROWS'],
    connectTimeout: 10_000,
    ...(options.ssl ? { ssl: { ...options.ssl } } : {}),
    poolSize: options.poolSize ?? 10,
    extra: { enableKeepAlive: true, keepAliveInitialDelay: 10_000, queryFormat },
    entities: ENTITIES,
    migrations: [...MIGRATIONS, ...(options.migrations ?? [])],
    migrationsRun: false,
    synchronize: false,
    logging: false,
    maxQueryExecutionTime: 2_000,
    logger: ormLogger(options.log),
  });
}

/** Applies pending migrations; returns the names applied. Safe to run from several processes at once. */
export async function runMigrations(ds: DataSource, log?: Logger): Promise<string[]> {
  // TypeORM does not lock its migrations table on MySQL; a named lock keeps two replicas (or
  // the compose init job and a test) from applying the same DDL twice.
  const lockRunner = ds.createQueryRunner();
  try {
    const [row] = (await lockRunner.query("SELECT GET_LOCK('hookstream_migrations', 120) AS got")) as Array<{ got: number | null }>;
    if (row?.got !== 1) throw new Error('could not take the hookstream_migrations lock within 120 s');
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      const names = applied.map((m) => m.name);
      log?.info({ applied: names }, names.length ? 'migrations applied' : 'schema up to date');
      return names;
    } finally {
      await lockRunner.query("SELECT RELEASE_LOCK('hookstream_migrations')");
    }
  } finally {
    await lockRunner.release();
  }
}

function safeError(error: string | Error): { message: string; code?: unknown; errno?: unknown } {
  if (typeof error === 'string') return { message: error.slice(0, 300) };
  const e = error as Error & { code?: unknown; errno?: unknown };
  return { message: e.message.slice(0, 300), code: e.code, errno: e.errno };
}

/** Routes TypeORM's own messages to pino; never logs query parameters (they hold CRM data). */
function ormLogger(log: Logger | undefined): OrmLogger {
  const sql = (q: string): string => q.replace(/\s+/g, ' ').slice(0, 300);
  return {
    logQuery: () => undefined,
    // Callers see (and classify) the thrown error; this line is only for debugging.
    // Only the error's identity: TypeORM's QueryFailedError carries the statement's parameters
    // (and mysql2's `sql` has them filled in), which may be CRM data or an endpoint's secret.
    logQueryError: (error, query) => log?.debug({ err: safeError(error), sql: sql(query) }, 'query failed'),
    logQuerySlow: (ms, query) => log?.warn({ ms, sql: sql(query) }, 'slow query'),
    logSchemaBuild: (message) => log?.debug({ message }, 'schema build'),
    logMigration: (message) => log?.info({ message }, 'migration'),
    log: (level, message) => (level === 'warn' ? log?.warn({ message: String(message) }, 'typeorm') : log?.debug({ message: String(message) }, 'typeorm')),
  };
}
