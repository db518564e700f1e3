import { loadEdgeConfig } from '@hookstream/config';
import { createKafka, createProducer, ensureTopics } from '@hookstream/kafka';
import { createLogger, createRegistry, installShutdown, runService } from '@hookstream/observability';
import { buildEdgeApp } from './app.js';
import { createKafkaPublisher } from './publisher.js';
import { providerRedaction, selectProviders } from '@hookstream/providers';

await runService('edge', async () => {
  const config = loadEdgeConfig(process.env);
  const providers = selectProviders(config.PROVIDERS);
  const log = createLogger({ name: 'edge', level: config.LOG_LEVEL, ...providerRedaction(providers, process.env) });
  const ctx = { env: process.env, log, now: Date.now, registry: createRegistry('edge') };
  const parts = await Promise.all(providers.map(async (p) => (p.edge ? p.edge(ctx) : undefined)));
  const hosted = parts.filter((p) => p !== undefined);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, log });
  const topics = [...new Set(hosted.flatMap((p) => p.topics))];
  await ensureTopics(
    kafka,
    topics.map((topic) => ({ topic, numPartitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR })),
    log,
  );
  const producer = createProducer(kafka, log);
  await producer.connect();
  const publisher = createKafkaPublisher(producer, config.EDGE_PRODUCE_TIMEOUT_MS);
  const app = await buildEdgeApp({ config, publisher, log, registry: ctx.registry, parts: hosted });
  // Stop taking requests and drain those in flight before the producer goes away.
  installShutdown(
    log,
    [
      { name: 'http', close: () => app.close() },
      { name: 'kafka-producer', close: () => producer.disconnect() },
      { name: 'providers', close: async () => void (await Promise.all(hosted.map((p) => p.close?.()))) },
    ],
    { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
  );
  await app.listen({ port: config.PORT, host: config.HOST });
  const routes = Object.assign({}, ...hosted.map((p) => p.describe?.(config.PUBLIC_URL) ?? {})) as Record<string, unknown>;
  log.info({ port: config.PORT, providers: config.PROVIDERS, routes }, 'edge listening');
});
