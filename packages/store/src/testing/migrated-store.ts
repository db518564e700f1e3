import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations, type MigrationClass } from '../data-source.js';

/** What @hookstream/testkit's testDatabase() returns (kept structural: the store does not depend on the testkit). */
export interface EmptyDatabase {
  url: string;
  drop(): Promise<void>;
}

export interface MigratedStore {
  url: string;
  ds: DataSource;
  /** Closes the pool and drops the database. */
  close(): Promise<void>;
}

/** Migrates a fresh database and opens an initialised DataSource on it. */
export async function openMigratedStore(db: EmptyDatabase, poolSize = 5, migrations: readonly MigrationClass[] = []): Promise<MigratedStore> {
  const ds = createDataSource({ url: db.url, poolSize, migrations });
  try {
    await ds.initialize();
    await runMigrations(ds);
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    await db.drop();
    throw err;
  }
  return {
    url: db.url,
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
