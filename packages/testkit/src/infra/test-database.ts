import './provided.js';
import { createDatabase, dropDatabase, uniqueName } from './database.js';

export interface TestDatabase {
  /** mysql://…/<name>, ready for DATABASE_URL or a TypeORM DataSource. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, uniquely named database on the server the integration globalSetup provided.
 * Only callable inside vitest; vitest is imported lazily so that code importing the testkit
 * outside tests (the local fleet, benchmarks) never loads it.
 */
export async function testDatabase(prefix = 'hs_test'): Promise<TestDatabase> {
  const { inject } = await import('vitest');
  const serverUrl = inject('databaseServerUrl');
  const name = uniqueName(prefix);
  const url = await createDatabase(serverUrl, name);
  return { url, name, drop: () => dropDatabase(serverUrl, name) };
}
