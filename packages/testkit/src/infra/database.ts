import { randomBytes } from 'node:crypto';
import { createConnection, type Connection, type ConnectionOptions, type RowDataPacket } from 'mysql2/promise';
import { InfraError } from './errors.js';

/** mysql2 connection options for a mysql://user:pass@host:port[/db] URL (the db part is ignored). */
export function serverConnectionOptions(serverUrl: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(serverUrl);
  } catch {
    throw new InfraError('INVALID_SETTING', 'database URL is not a URL (expected mysql://user:pass@host:port[/db])');
  }
  // mariadb:// is accepted too, as @hookstream/config accepts it for DATABASE_URL.
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:')
    throw new InfraError('INVALID_SETTING', `database URL must start with mysql://, not ${u.protocol}//`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || 'root',
    password: decodeURIComponent(u.password),
    connectTimeout: 10_000,
  };
}

/** The server part of a database URL: same credentials and address, no database path. */
export function serverUrlOf(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.pathname = '';
  u.search = '';
  return u.toString().replace(/\/$/, '');
}

const IDENTIFIER = /^[A-Za-z0-9_]{1,64}$/;

function assertIdentifier(name: string): void {
  // Database names are interpolated into DDL (they cannot be bound as parameters).
  if (!IDENTIFIER.test(name)) throw new InfraError('INVALID_SETTING', `"${name}" is not a valid database name ([A-Za-z0-9_], at most 64 chars)`);
}

async function withServer<T>(serverUrl: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await createConnection(serverConnectionOptions(serverUrl));
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

/**
 * Creates the database if missing and returns the server URL with `/name` appended.
 * utf8mb4_unicode_ci exists with the same meaning on MySQL 8 and MariaDB 10.11.
 */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  assertIdentifier(name);
  await withServer(serverUrl, (c) => c.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * `npm start` is a development tool: the database DATABASE_URL names is created when the server
 * says it does not exist (ER_BAD_DB_ERROR), so a new checkout needs no manual CREATE DATABASE.
 * Anything else (refused, wrong password) is left for the caller's own connection to report.
 */
export async function ensureDatabase(databaseUrl: string, ssl?: ConnectionOptions['ssl']): Promise<'exists' | 'created'> {
  const u = new URL(databaseUrl);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  assertIdentifier(name);
  const options = { ...serverConnectionOptions(databaseUrl), ...(ssl ? { ssl } : {}) };
  try {
    const conn = await createConnection({ ...options, database: name });
    await conn.end();
    return 'exists';
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ER_BAD_DB_ERROR') throw err;
  }
  const conn = await createConnection(options);
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
  return 'created';
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  assertIdentifier(name);
  await withServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``));
}

/**
 * A name unique across runs and parallel workers that is a valid unquoted identifier:
 * `<prefix>_<time base36>_<6 hex>`, e.g. hs_test_mhx2k1c4_3fa9c1.
 */
export function uniqueName(prefix: string): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40);
  return `${clean}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** Runs one query against the server to prove it answers; returns its version string. */
export async function serverVersion(serverUrl: string): Promise<string> {
  return withServer(serverUrl, async (c) => {
    const [rows] = await c.query<RowDataPacket[]>('SELECT VERSION() AS v');
    return String(rows[0]?.['v'] ?? 'unknown');
  });
}
