import type { ProcessorConfig } from '@hookstream/config';
import { createBatchConsumer, createProducer, ensureTopics, type BatchConsumer, type EventProducer, type Kafka } from '@hookstream/kafka';
import { createRegistry, type Logger, type Registry } from '@hookstream/observability';
import type { ProcessorContext, ProcessorPart } from '@hookstream/pipeline';
import type { DataSource } from '@hookstream/store';
import { dlqSizeGauge, type DlqSizeGauge } from './dlq-size.js';

export interface ProcessorDeps {
  config: ProcessorConfig;
  kafka: Kafka;
  dataSource: DataSource;
  log: Logger;
  now?: () => number;
  registry?: Registry;
  /** Where providers read their settings; process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Builds the providers' processor parts; each gets its own consumer group. */
  parts: (ctx: ProcessorContext) => Promise<ProcessorPart[]> | ProcessorPart[];
}

export interface Processor {
  start(): Promise<void>;
  /** Stop fetching, finish and commit in-flight batches, stop background work, disconnect. */
  stop(): Promise<void>;
  ready(): boolean;
  readonly registry: Registry;
  /** The hosted parts, once started. */
  readonly parts: readonly ProcessorPart[];
}

/**
 * One processor replica: for each provider, a consumer-group member on its topics running the
 * provider's batch handler, plus its background work. Providers share the replica's producer,
 * database pool and metrics registry, and nothing else: a slow provider never holds up another.
 */
export function createProcessor(deps: ProcessorDeps): Processor {
  const { config, kafka, log } = deps;
  const now = deps.now ?? Date.now;
  const registry = deps.registry ?? createRegistry('processor');
  const producer: EventProducer = createProducer(kafka, log);
  let parts: ProcessorPart[] = [];
  let consumers: BatchConsumer[] = [];
  let dlqSizes: DlqSizeGauge | undefined;

  const consumerFor = (part: ProcessorPart): BatchConsumer =>
    createBatchConsumer(kafka, {
      groupId: part.groupId,
      topics: [part.topics.events, part.topics.retry],
      log: log.child({ component: 'consumer', group: part.groupId }),
      partitionsConsumedConcurrently: config.PROCESSOR_PARTITION_CONCURRENCY,
      minBytes: config.KAFKA_FETCH_MIN_BYTES,
      maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS,
      maxBytesPerPartition: config.KAFKA_FETCH_MAX_BYTES_PER_PARTITION,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      handle: part.handler,
      registry,
      ...(part.onAssignment ? { onAssignment: (assignment: Record<string, number[]>) => part.onAssignment?.(assignment) } : {}),
    });

  return {
    registry,
    get parts() {
      return parts;
    },
    async start() {
      parts = await deps.parts({ env: deps.env ?? process.env, log, now, registry, kafka, dataSource: deps.dataSource, producer });
      const topics = [...new Set(parts.flatMap((p) => [p.topics.events, p.topics.dlq, p.topics.retry, ...(p.produces ?? [])]))];
      await ensureTopics(
        kafka,
        topics.map((topic) => ({ topic, numPartitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR })),
        log,
      );
      // What the console overview charts as DLQ sizes (GET /metrics, hookstream_kafka_dlq_messages).
      dlqSizes = dlqSizeGauge(kafka, registry, [...new Set(parts.map((p) => p.topics.dlq))], log);
      await producer.connect();
      consumers = parts.map(consumerFor);
      for (const c of consumers) await c.start();
      for (const p of parts) await p.start?.();
    },
    async stop() {
      for (const p of parts) await p.stop?.();
      await Promise.all(consumers.map((c) => c.stop()));
      for (const p of parts) await p.drain?.();
      await producer.disconnect();
      await dlqSizes?.close();
      dlqSizes = undefined;
    },
    ready: () => consumers.length > 0 && consumers.every((c) => c.isHealthy()) && parts.every((p) => p.ready?.() ?? true) && producer.isConnected(),
  };
}
