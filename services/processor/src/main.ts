import { databaseTls, kafkaSecurity, loadProcessorConfig } from '@hookstream/config';
import { createKafka } from '@hookstream/kafka';
import { createLogger, installShutdown, redactUrl, runService, startTracing } from '@hookstream/observability';
import { providerRedaction, selectProviders } from '@hookstream/providers';
import { createDataSource } from '@hookstream/store';
import { buildHealthServer } from './health-server.js';
import { createProcessor } from './processor.js';

await runService('processor', async () => {
  const config = loadProcessorConfig(process.env);
  // TLS files are read now: a bad one stops start-up with one line naming the setting.
  const kafkaTls = kafkaSecurity(config);
  const dbTls = databaseTls(config);
  const tracing = startTracing(process.env, 'hookstream-processor');
  const providers = selectProviders(config.PROVIDERS);
  const log = createLogger({ name: 'processor', level: config.LOG_LEVEL, ...providerRedaction(providers, process.env) });
  const dataSource = createDataSource({ url: config.DATABASE_URL, log, poolSize: config.DATABASE_POOL_SIZE, ...(dbTls ? { ssl: dbTls } : {}) });
  await dataSource.initialize();
  log.info({ database: redactUrl(config.DATABASE_URL) }, 'database connected');
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, log, ...kafkaTls });
  const processor = createProcessor({
    config,
    kafka,
    dataSource,
    log,
    // The parts' batch runtimes start the batch and transaction spans.
    parts: (ctx) => Promise.all(providers.flatMap((p) => (p.processor ? [p.processor({ ...ctx, tracing })] : []))),
  });
  const health = config.PORT > 0 ? await buildHealthServer({ log, ready: processor.ready, registry: processor.registry }) : undefined;
  installShutdown(
    log,
    [
      { name: 'processor', close: () => processor.stop() },
      { name: 'health', close: async () => void (await health?.close()) },
      { name: 'database', close: () => dataSource.destroy() },
      // Last: the spans of the batches drained above are exported too.
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
    { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
  );
  await processor.start();
  if (health) await health.listen({ port: config.PORT, host: config.HOST });
  const parts = Object.fromEntries(processor.parts.map((p) => [p.groupId, { topic: p.topics.events, ...p.describe?.() }]));
  // Each provider has its own group and topics: they are listed per group, not as the replica's.
  log.info({ providers: config.PROVIDERS, groups: parts }, 'processor running');
});
