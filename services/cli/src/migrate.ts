/**
 * Applies pending migrations — the shared ones and every provider's — to DATABASE_URL and exits
 * 0 (1 on failure). Run by docker-compose before the services start:  tsx services/cli/src/migrate.ts
 */
import { databaseTls, DatabaseTlsSchema, parseEnv, type DatabaseTlsOptions } from '@hookstream/config';
import { createLogger, redactUrl } from '@hookstream/observability';
import { providerMigrations, PROVIDERS } from '@hookstream/providers';
import { createDataSource, readDatabaseUrl, runMigrations } from '@hookstream/store';

const log = createLogger({ name: 'migrate', level: process.env.LOG_LEVEL ?? 'info' });

async function main(): Promise<number> {
  let url: string;
  let ssl: DatabaseTlsOptions | undefined;
  try {
    url = readDatabaseUrl(process.env);
    ssl = databaseTls(parseEnv(DatabaseTlsSchema, process.env));
  } catch (err) {
    log.fatal((err as Error).message);
    return 1;
  }
  // Every known provider's tables, whichever PROVIDERS run: turning one on later needs no other step.
  const ds = createDataSource({ url, log, poolSize: 2, migrations: providerMigrations(PROVIDERS), ...(ssl ? { ssl } : {}) });
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
