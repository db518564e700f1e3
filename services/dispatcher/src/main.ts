import { selectDestinations } from '@hookstream/destinations';
import { databaseTls, kafkaSecurity } from '@hookstream/config';
import { createKafka } from '@hookstream/kafka';
import { createLogger, createRegistry, installShutdown, redactUrl, runService, startTracing } from '@hookstream/observability';
import { selectProviders } from '@hookstream/providers';
import { createDataSource } from '@hookstream/store';
import { loadDispatcherConfig } from './config.js';
import { createDispatcher } from './dispatcher.js';
import { syncEndpointsFile } from './endpoints-file.js';
import { syncProviderEndpoints } from './provider-endpoints.js';
import { buildHealthServer } from './health-server.js';

await runService('dispatcher', async () => {
  const config = loadDispatcherConfig(process.env);
  // TLS files are read now: a bad one stops start-up with one line naming the setting.
  const kafkaTls = kafkaSecurity(config);
  const dbTls = databaseTls(config);
  const tracing = startTracing(process.env, 'hookstream-dispatcher');
  const log = createLogger({ name: 'dispatcher', level: config.LOG_LEVEL });
  const { destinations, unavailable } = selectDestinations(process.env);
  const dataSource = createDataSource({ url: config.DATABASE_URL, log, poolSize: config.DATABASE_POOL_SIZE, ...(dbTls ? { ssl: dbTls } : {}) });
  await dataSource.initialize();
  log.info({ database: redactUrl(config.DATABASE_URL) }, 'database connected');
  if (config.ENDPOINTS_FILE) await syncEndpointsFile(dataSource, config.ENDPOINTS_FILE, log);
  await syncProviderEndpoints(dataSource, selectProviders(config.PROVIDERS), { env: process.env, log, registry: createRegistry('dispatcher-rules', false) });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, log, ...kafkaTls });
  const dispatcher = createDispatcher({ config, kafka, dataSource, log, destinations, tracing });
  const health = config.PORT > 0 ? await buildHealthServer({ log, ready: dispatcher.ready, registry: dispatcher.metrics.registry }) : undefined;
  installShutdown(
    log,
    [
      { name: 'dispatcher', close: () => dispatcher.stop() },
      { name: 'health', close: async () => void (await health?.close()) },
      { name: 'database', close: () => dataSource.destroy() },
      // Last: the spans of the attempts drained above are exported too.
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
    { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
  );
  await dispatcher.start();
  if (health) await health.listen({ port: config.PORT, host: config.HOST });
  log.info(
    { topic: config.DELIVERIES_TOPIC, group: config.DISPATCHER_GROUP_ID, destinations: ['webhook', ...destinations.map((x) => x.kind)], unavailable },
    'dispatcher running',
  );
});
