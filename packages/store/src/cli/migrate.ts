/**
 * Applies pending migrations to DATABASE_URL and exits 0 (1 on failure). Run by docker-compose
 * and the fleet runner before the services start:  tsx packages/store/src/cli/migrate.ts
 */
import { createLogger, redactUrl } from '@hookstream/observability';
import { createDataSource, runMigrations } from '../data-source.js';
import { readDatabaseUrl } from './database-url.js';

const log = createLogger({ name: 'migrate', level: process.env.LOG_LEVEL ?? 'info' });

async function main(): Promise<number> {
  let url: string;
  try {
    url = readDatabaseUrl(process.env);
  } catch (err) {
    log.fatal((err as Error).message);
    return 1;
  }
  const ds = createDataSource({ url, log, poolSize: 2 });
  try {
    await ds.initialize();
    const applied = await runMigrations(ds, log);
    log.info({ database: redactUrl(url), applied: applied.length }, 'migrations done');
    return 0;
  } catch (err) {
    log.fatal({ err, database: redactUrl(url) }, 'migration failed');
    return 1;
  } finally {
    if (ds.isInitialized) await ds.destroy().catch(() => undefined);
  }
}

process.exitCode = await main();
