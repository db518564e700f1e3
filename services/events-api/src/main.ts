/** events-api process: config → DataSource → app → listen; graceful shutdown on SIGTERM/SIGINT. */
import { createLogger, installShutdown, redactUrl } from '@hookstream/observability';
import { createDataSource, createEventReader } from '@hookstream/store';
import { buildApp } from './app.js';
import { ConfigError, loadEventsApiConfig } from './config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadEventsApiConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    createLogger({ name: 'events-api' }).fatal(err.message);
    process.exit(1);
  }
  const log = createLogger({ name: 'events-api', level: config.LOG_LEVEL });
  const ds = createDataSource({ url: config.DATABASE_URL, log });
  try {
    await ds.initialize();
  } catch (err) {
    log.fatal({ err, database: redactUrl(config.DATABASE_URL) }, 'cannot connect to the database');
    process.exit(1);
  }
  const app = await buildApp({
    config,
    reader: createEventReader(ds),
    log,
    ready: async () => {
      await ds.query('SELECT 1');
      return true;
    },
  });
  installShutdown(log, [
    { name: 'http', close: () => app.close() },
    { name: 'database', close: () => ds.destroy() },
  ]);
  await app.listen({ port: config.PORT, host: config.HOST });
}

await main();
