import type { ProcessorConfig } from '@hookstream/config';
import { createBatchReadClient } from '@hookstream/hubspot';
import { createBatchConsumer, createProducer, ensureTopics, type BatchConsumer, type BatchHandler, type Kafka } from '@hookstream/kafka';
import { createRegistry, type Logger, type Registry } from '@hookstream/observability';
import { createEventWriter, type DataSource } from '@hookstream/store';
import { createBatchHandler } from './batch-handler.js';
import { createDeferredWriter } from './deferred-writer.js';
import { createEnricher, type ProcessorEnricher } from './enrich.js';
import { createSnapshotLoader, type LoaderStats } from './snapshot-loader.js';
import { registerReadMetrics } from './read-metrics.js';
import { createProcessorMetrics } from './metrics.js';
import { createSweeper, type Sweeper } from './sweeper.js';
import { createProcessorTokens } from './tokens.js';

export interface ProcessorDeps {
  config: ProcessorConfig;
  kafka: Kafka;
  dataSource: DataSource;
  log: Logger;
  now?: () => number;
  registry?: Registry;
}

export interface Processor {
  start(): Promise<void>;
  /** Stop fetching, finish and commit in-flight batches, stop the sweeper, disconnect. */
  stop(): Promise<void>;
  ready(): boolean;
  readonly sweeper: Sweeper;
  readonly registry: Registry;
  /** HubSpot reads of this replica: cache hits, shared reads, calls, partial calls and why. */
  readonly hubspotReads: LoaderStats;
}

const participating = (enricher: ProcessorEnricher, handle: BatchHandler): BatchHandler => (ctx) => enricher.participate(() => handle(ctx));

/** One processor replica: a consumer-group member plus the pending-enrichment sweeper. */
export function createProcessor(deps: ProcessorDeps): Processor {
  const { config, kafka, log } = deps;
  const now = deps.now ?? Date.now;
  const registry = deps.registry ?? createRegistry('processor');
  const metrics = createProcessorMetrics(registry);
  const writer = createEventWriter(deps.dataSource);
  const tokens = createProcessorTokens(config, deps.dataSource, log, now);
  const client = createBatchReadClient({
    baseUrl: config.HUBSPOT_API_BASE_URL,
    tokenFor: (portalId) => tokens.tokenFor(portalId),
    onAuthRejected: (portalId, token) => tokens.reportRejected(portalId, token),
    log: log.child({ component: 'hubspot' }),
    maxRequestsPer10s: config.HUBSPOT_MAX_REQUESTS_PER_10S,
    retryBudgetMs: config.ENRICH_INLINE_BUDGET_MS,
  });
  const loader = createSnapshotLoader({
    client,
    now,
    ttlMs: config.ENRICH_CACHE_TTL_MS,
    maxEntries: config.ENRICH_CACHE_MAX_OBJECTS,
    lingerMs: config.ENRICH_BATCH_LINGER_MS,
    log: log.child({ component: 'hubspot-reads' }),
  });
  registerReadMetrics(registry, loader.stats);
  const enricher = createEnricher({
    loader,
    completeDeferred: createDeferredWriter(deps.dataSource, now),
    client,
    enabled: config.HUBSPOT_ENRICH,
    properties: config.HUBSPOT_ENRICH_PROPERTIES,
    retryBaseMs: config.ENRICH_RETRY_BASE_MS,
    retryMaxMs: config.ENRICH_RETRY_MAX_MS,
    now,
    log,
  });
  const producer = createProducer(kafka, log);
  const sweeper = createSweeper({ writer, enricher, log: log.child({ component: 'sweeper' }), now, intervalMs: config.ENRICH_SWEEP_INTERVAL_MS });
  let consumer: BatchConsumer | undefined;
  const retryTopic = config.KAFKA_RETRY_TOPIC ?? `${config.KAFKA_TOPIC}.retry`;

  return {
    sweeper,
    registry,
    hubspotReads: loader.stats,
    async start() {
      const topics = [config.KAFKA_TOPIC, config.KAFKA_DLQ_TOPIC, retryTopic];
      await ensureTopics(kafka, topics.map((topic) => ({ topic, numPartitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR })), log);
      await producer.connect();
      consumer = createBatchConsumer(kafka, {
        groupId: config.KAFKA_GROUP_ID,
        topics: [config.KAFKA_TOPIC, retryTopic],
        log: log.child({ component: 'consumer' }),
        partitionsConsumedConcurrently: config.PROCESSOR_PARTITION_CONCURRENCY,
        minBytes: config.KAFKA_FETCH_MIN_BYTES,
        maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS,
        maxBytesPerPartition: config.KAFKA_FETCH_MAX_BYTES_PER_PARTITION,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        // Each batch counts as running while it is handled: a partial HubSpot read waits for it.
        handle: participating(enricher, createBatchHandler({
          writer,
          enricher,
          producer,
          dlqTopic: config.KAFKA_DLQ_TOPIC,
          retryTopic,
          retry: { maxAttempts: config.PROCESSOR_MAX_ATTEMPTS, baseMs: config.PROCESSOR_RETRY_BASE_MS, maxMs: config.PROCESSOR_RETRY_MAX_MS },
          log,
          now,
          metrics,
        })),
      });
      await consumer.start();
      sweeper.start();
    },
    async stop() {
      await sweeper.stop();
      await consumer?.stop();
      // Reads still queued go out now; deferred rows are completed before the pool closes.
      await enricher.drain();
      await producer.disconnect();
    },
    ready: () => (consumer?.isHealthy() ?? false) && producer.isConnected(),
  };
}
