import { ArchiveSettingsSchema, createArchive, type ArchiveSettings } from '@hookstream/archive';
import { kafkaSecurity, loadEdgeConfig, parseEnv } from '@hookstream/config';
import { createKafka, createProducer, ensureTopics } from '@hookstream/kafka';
import { createLogger, createRegistry, installShutdown, runService, startTracing } from '@hookstream/observability';
import type { Provider } from '@hookstream/pipeline';
import { providerRedaction, selectProviders } from '@hookstream/providers';
import { buildEdgeApp, type HostedEdgePart } from './app.js';
import type { EdgeArchive } from './archive.js';
import { createKafkaPublisher } from './publisher.js';

await runService('edge', async () => {
  const config = loadEdgeConfig(process.env);
  // TLS files are read now: a bad one stops start-up with one line naming the setting.
  const kafkaTls = kafkaSecurity(config);
  const archiveSettings = parseEnv(ArchiveSettingsSchema, process.env);
  const tracing = startTracing(process.env, 'hookstream-edge');
  const providers = selectProviders(config.PROVIDERS);
  const log = createLogger({ name: 'edge', level: config.LOG_LEVEL, ...providerRedaction(providers, process.env) });
  const ctx = { env: process.env, log, now: Date.now, registry: createRegistry('edge') };
  const hosted = (await Promise.all(providers.map((p) => hostedPart(p, ctx)))).filter((h) => h !== undefined);
  const archive = edgeArchive(archiveSettings);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, log, ...kafkaTls });
  const topics = [...new Set(hosted.flatMap((h) => h.part.topics))];
  await ensureTopics(
    kafka,
    topics.map((topic) => ({ topic, numPartitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR })),
    log,
  );
  const producer = createProducer(kafka, log);
  await producer.connect();
  const publisher = createKafkaPublisher(producer, config.EDGE_PRODUCE_TIMEOUT_MS);
  const app = await buildEdgeApp({ config, publisher, log, registry: ctx.registry, parts: hosted, tracing, ...(archive ? { archive } : {}) });
  // Stop taking requests and drain those in flight (their archive writes included) before the
  // archive and the producer go away.
  installShutdown(
    log,
    [
      { name: 'http', close: () => app.close() },
      { name: 'archive', close: async () => archive?.store.close() },
      { name: 'kafka-producer', close: () => producer.disconnect() },
      { name: 'providers', close: async () => void (await Promise.all(hosted.map((h) => h.part.close?.()))) },
      // Last: the spans of the requests drained above are exported too.
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
    { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
  );
  await app.listen({ port: config.PORT, host: config.HOST });
  const routes = Object.assign({}, ...hosted.map((h) => h.part.describe?.(config.PUBLIC_URL) ?? {})) as Record<string, unknown>;
  const archived = archive ? hosted.map((h) => h.provider).filter((id) => archive.providers.includes(id)) : [];
  log.info(
    { port: config.PORT, providers: config.PROVIDERS, routes, archive: { backend: archiveSettings.ARCHIVE_BACKEND, providers: archived } },
    'edge listening',
  );
});

/** A provider's edge part with its id and credential headers (never archived), or undefined when it has no edge. */
async function hostedPart(p: Provider, ctx: Parameters<NonNullable<Provider['edge']>>[0]): Promise<HostedEdgePart | undefined> {
  if (!p.edge) return undefined;
  const part = await p.edge(ctx);
  return { provider: p.id, part, secretHeaders: p.redact?.(ctx.env).headers ?? [] };
}

/** The raw archive, or undefined when ARCHIVE_BACKEND=off. */
function edgeArchive(settings: ArchiveSettings): EdgeArchive | undefined {
  const store = createArchive(settings);
  return store ? { store, providers: settings.ARCHIVE_PROVIDERS, writeTimeoutMs: settings.ARCHIVE_WRITE_TIMEOUT_MS } : undefined;
}
