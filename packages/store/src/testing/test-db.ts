import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../data-source.js';

export interface TestDatabase {
  /** URL of the new, empty database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** The server tests use: DATABASE_URL, else the local MariaDB on loopback. */
export function defaultServerUrl(): string {
  return process.env.DATABASE_URL ?? 'mysql://root:@127.0.0.1:3306';
}

/** Creates a uniquely named database (hs_test_<random>) on `serverUrl` so test files never share tables. */
export async function createTestDatabase(serverUrl: string = defaultServerUrl()): Promise<TestDatabase> {
  const server = new URL(serverUrl);
  server.pathname = '/';
  const name = `hs_test_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: server.toString() });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = await mysql.createConnection({ uri: server.toString() });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}

export interface MigratedStore {
  db: TestDatabase;
  ds: DataSource;
  /** Closes the pool and drops the database. */
  close(): Promise<void>;
}

/** A fresh database with the schema migrated and an initialised DataSource. */
export async function createMigratedStore(serverUrl?: string, poolSize = 5): Promise<MigratedStore> {
  const db = await createTestDatabase(serverUrl);
  const ds = createDataSource({ url: db.url, poolSize });
  try {
    await ds.initialize();
    await runMigrations(ds);
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    await db.drop();
    throw err;
  }
  return {
    db,
    ds,
    async close() {
      try {
        if (ds.isInitialized) await ds.destroy();
      } finally {
        await db.drop();
      }
    },
  };
}
