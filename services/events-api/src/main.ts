/** events-api process: config → DataSource → app → listen; graceful shutdown on SIGTERM/SIGINT. */
import { createLogger, installShutdown, redactUrl, runService } from '@hookstream/observability';
import { createDataSource, createEventReader } from '@hookstream/store';
import { buildApp } from './app.js';
import { loadEventsApiConfig } from './config.js';

await runService('events-api', async () => {
  // A ConfigError (code CONFIG_INVALID) becomes one "events-api: invalid configuration: …" line, exit 2.
  const config = loadEventsApiConfig(process.env);
  const log = createLogger({ name: 'events-api', level: config.LOG_LEVEL });
  const ds = createDataSource({ url: config.DATABASE_URL, log });
  await ds.initialize();
  log.info({ database: redactUrl(config.DATABASE_URL) }, 'database connected');
  const app = await buildApp({
    config,
    reader: createEventReader(ds),
    log,
    ready: async () => {
      await ds.query('SELECT 1');
      return true;
    },
  });
  // Stop taking requests and finish those in flight before the pool goes away.
  installShutdown(log, [
    { name: 'http', close: () => app.close() },
    { name: 'database', close: () => ds.destroy() },
  ]);
  await app.listen({ port: config.PORT, host: config.HOST });
});
