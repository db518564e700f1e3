import { describe, expect, it } from 'vitest';
import { describeStartupError } from '@hookstream/observability';
import { testDatabase } from '@hookstream/testkit';
import { createLogger } from '@hookstream/observability';
import { createDataSource } from './data-source.js';

const log = createLogger({ name: 'test', level: 'silent' });

async function initError(url: string): Promise<unknown> {
  const ds = createDataSource({ url, log, poolSize: 1 });
  return ds.initialize().then(
    async () => {
      await ds.destroy();
      return undefined;
    },
    (e: unknown) => e,
  );
}

describe('database start-up errors, from the real driver', () => {
  it('a database that does not exist names DATABASE_URL and says so, without a stack', async () => {
    const server = new URL((await testDatabase('hs_startup')).url);
    server.pathname = '/hs_no_such_database_at_all';
    const line = describeStartupError(await initError(server.toString()));
    expect(line).toBe(
      "DATABASE_URL: the database does not exist; create it (npm start does) or point DATABASE_URL at one (Unknown database 'hs_no_such_database_at_all')",
    );
  });

  it('a server that does not answer names DATABASE_URL too', async () => {
    const line = describeStartupError(await initError('mysql://root@127.0.0.1:1/x'));
    expect(line).toBe('DATABASE_URL: the database server could not be reached (ECONNREFUSED 127.0.0.1:1)');
  });
});
