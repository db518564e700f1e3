import { inject } from 'vitest';
import { defaultServerUrl } from './test-db.js';

/**
 * The database server for integration tests: what the shared globalSetup provides
 * (`databaseServerUrl`), else DATABASE_URL, else the local MariaDB on loopback.
 */
export function testServerUrl(): string {
  let injected: unknown;
  try {
    injected = (inject as (key: string) => unknown)('databaseServerUrl');
  } catch {
    injected = undefined;
  }
  return typeof injected === 'string' && injected.length > 0 ? injected : defaultServerUrl();
}
