/** events-api process: config → DataSource → app → listen; graceful shutdown on SIGTERM/SIGINT. */
import { createArchive } from '@hookstream/archive';
import { databaseTls } from '@hookstream/config';
import { createLogger, createRegistry, installShutdown, redactUrl, runService } from '@hookstream/observability';
import { providerRedaction, selectProviders } from '@hookstream/providers';
import { createDataSource, createLedgerReader } from '@hookstream/store';
import { ADMIN_REDACT_PATHS } from './admin-auth.js';
import { buildApp } from './app.js';
import { startArchiveRetention } from './archive-retention.js';
import { loadArchiveSettings, loadEventsApiConfig } from './config.js';
import { defaultConsoleDir } from './console.js';
import { deadLettersFromEnv } from './dead-letters/from-env.js';
import { overviewTargets } from './overview/targets.js';
import { createOverviewSampler } from './overview/sampler.js';
import { loadOverviewSettings } from './overview/settings.js';

await runService('events-api', async () => {
  // A ConfigError (code CONFIG_INVALID) becomes one "events-api: invalid configuration: …" line, exit 2.
  const config = loadEventsApiConfig(process.env);
  const archiveSettings = loadArchiveSettings(process.env);
  const overviewSettings = loadOverviewSettings(process.env);
  // TLS files are read now: a bad one stops start-up with one line naming the setting.
  const dbTls = databaseTls(config);
  const providers = selectProviders(config.PROVIDERS);
  // Only providers with read routes run here: another's redaction may need settings (SOURCES_FILE) events-api never asked for.
  const redaction = providerRedaction(
    providers.filter((p) => p.api),
    process.env,
  );
  const log = createLogger({
    name: 'events-api',
    level: config.LOG_LEVEL,
    redactHeaders: redaction.redactHeaders,
    redactPaths: [...redaction.redactPaths, ...ADMIN_REDACT_PATHS],
  });
  const ds = createDataSource({ url: config.DATABASE_URL, log, ...(dbTls ? { ssl: dbTls } : {}) });
  await ds.initialize();
  log.info({ database: redactUrl(config.DATABASE_URL) }, 'database connected');
  const ledger = createLedgerReader(ds);
  const ctx = { env: process.env, log, now: Date.now, registry: createRegistry('events-api'), dataSource: ds, ledger };
  const parts = await Promise.all(providers.flatMap((p) => (p.api ? [(async () => ({ provider: p.id, part: await p.api!(ctx) }))()] : [])));
  // null when ARCHIVE_BACKEND=off: GET /archive answers 503 ARCHIVE_DISABLED and nothing is deleted.
  const archive = createArchive(archiveSettings);
  // undefined without KAFKA_BROKERS: GET/POST /dead-letters answer 503 KAFKA_NOT_CONFIGURED.
  const deadLetters = deadLettersFromEnv(process.env, log);
  // GET /overview: this process's registry and every METRICS_TARGETS page, sampled into one hour of memory.
  const overview = createOverviewSampler({
    targets: overviewTargets(overviewSettings.METRICS_TARGETS, ctx.registry),
    intervalMs: overviewSettings.METRICS_SCRAPE_INTERVAL_MS,
    log,
  });
  const app = await buildApp({
    config,
    ledger,
    parts,
    log,
    dataSource: ds,
    // One registry: GET /metrics answers events-api's request metrics and the providers' own.
    registry: ctx.registry,
    ...(archive ? { archive } : {}),
    consoleDir: config.CONSOLE_DIR ?? defaultConsoleDir(),
    ...(deadLetters ? { deadLetters } : {}),
    overview,
    ready: async () => {
      await ds.query('SELECT 1');
      return true;
    },
  });
  const retention = archive
    ? startArchiveRetention({
        store: archive,
        retentionDays: archiveSettings.ARCHIVE_RETENTION_DAYS,
        intervalMs: archiveSettings.ARCHIVE_RETENTION_INTERVAL_MS,
        log,
      })
    : undefined;
  // Stop taking requests and finish those in flight (and a retention run) before the stores go away.
  installShutdown(log, [
    { name: 'overview', close: () => overview.stop() },
    { name: 'http', close: () => app.close() },
    // A running redrive stops after its chunk in hand, sent and committed: the next run continues it.
    { name: 'dead-letters', close: async () => deadLetters?.close() },
    { name: 'archive-retention', close: async () => retention?.stop() },
    { name: 'archive', close: async () => archive?.close() },
    { name: 'database', close: () => ds.destroy() },
  ]);
  await app.listen({ port: config.PORT, host: config.HOST });
  overview.start();
  log.info({ targets: overview.health().map((t) => t.name), intervalMs: overview.intervalMs }, 'overview sampling');
  // How many admin tokens, never which: the admin API is on or off at a glance.
  log.info({ adminApi: config.ADMIN_API_TOKENS.length > 0, adminTokens: config.ADMIN_API_TOKENS.length }, 'admin API');
  log.info(
    {
      backend: archiveSettings.ARCHIVE_BACKEND,
      retentionDays: archiveSettings.ARCHIVE_RETENTION_DAYS,
      intervalMs: archiveSettings.ARCHIVE_RETENTION_INTERVAL_MS,
    },
    'raw archive',
  );
});
