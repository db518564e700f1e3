import type { Consumer } from 'kafkajs';
import type { Kafka } from './client.js';
import type { Logger, Registry } from '@hookstream/observability';
import { consumerLagGauge } from './lag.js';
import { createPlatformaticBatchConsumer } from './platformatic/consumer.js';

export interface ConsumedMessage {
  key: string | null;
  value: Buffer | null;
  offset: string;
  timestamp: string;
  headers: Record<string, string>;
}

export interface BatchContext {
  topic: string;
  partition: number;
  messages: readonly ConsumedMessage[];
  /** False once the consumer is stopping: leave remaining work for the next owner. */
  isRunning(): boolean;
  /** True when the partition was revoked or seeked; stop and do not resolve. */
  isStale(): boolean;
}

/**
 * Handles one partition's batch. Returns the offset of the last message whose effects are
 * durable (committed to the database), or null if nothing was. Only that offset is committed.
 * `pauseMs`: stop fetching this partition for that long; the messages after lastDurableOffset
 * are fetched again afterwards (retry-topic messages that are not due yet). Pausing instead of
 * sleeping keeps the other partitions flowing: kafkajs fetches the next batch of a broker only
 * when every batch of the previous fetch has been handled.
 */
export type BatchHandler = (batch: BatchContext) => Promise<{ lastDurableOffset: string | null; pauseMs?: number }>;

export interface BatchConsumerOptions {
  groupId: string;
  topics: readonly string[];
  log: Logger;
  handle: BatchHandler;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  maxBytesPerPartition?: number;
  /**
   * The broker answers a fetch once it has this many bytes or maxWaitTimeMs passed. Above 1, a
   * busy topic arrives in fewer, larger batches (one database transaction each).
   */
  minBytes?: number;
  maxWaitTimeMs?: number;
  /** Start position for a new group. A new group must see the whole retained stream. */
  fromBeginning?: boolean;
  /** Called with this member's partitions per topic after every join (a rebalance included). */
  onAssignment?: (assignment: Record<string, number[]>) => void;
  /** Where hookstream_kafka_consumer_lag is exported for the partitions this member owns. */
  registry?: Registry;
}

export interface BatchConsumer {
  start(): Promise<void>;
  /** Stops fetching, waits for in-flight batches (they commit what they finished), leaves the group. */
  stop(): Promise<void>;
  /** True between a successful join and stop (or a crash that will not restart). */
  isHealthy(): boolean;
}

export function toHeaders(h: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

/**
 * kafkajs eachBatch with the two guarantees the processor needs:
 *  - offsets are resolved (and so committed) only up to what the handler reports durable;
 *  - heartbeats keep flowing while a long batch waits on HubSpot or the database, because
 *    kafkajs itself only heartbeats between batches (kafkajs #447/#1083) and a silent member
 *    is evicted after sessionTimeout.
 */
export function createBatchConsumer(kafka: Kafka, opts: BatchConsumerOptions): BatchConsumer {
  if (kafka.client === 'platformatic') return createPlatformaticBatchConsumer(kafka, opts);
  const heartbeatIntervalMs = opts.heartbeatIntervalMs ?? 3000;
  const consumer: Consumer = kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: heartbeatIntervalMs,
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 1024 * 1024,
    minBytes: opts.minBytes ?? 1,
    maxWaitTimeInMs: opts.maxWaitTimeMs ?? 250,
    allowAutoTopicCreation: false,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 30_000 },
  });
  let healthy = false;
  let assignment: Record<string, number[]> = {};
  const dropLag = opts.registry ? consumerLagGauge(kafka, opts.registry, opts.log).add({ groupId: opts.groupId, assignment: () => assignment }) : undefined;
  const resumeTimers = new Set<NodeJS.Timeout>();
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    healthy = true;
    assignment = payload.memberAssignment;
    opts.log.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, 'joined consumer group');
    opts.onAssignment?.(payload.memberAssignment);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    opts.log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    if (!payload.restart) healthy = false;
  });
  consumer.on(consumer.events.STOP, () => {
    healthy = false;
    assignment = {};
    opts.onAssignment?.({});
  });

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: [...opts.topics], fromBeginning: opts.fromBeginning ?? true });
      await consumer.run({
        autoCommit: true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 1,
        eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale, pause }) => {
          if (batch.messages.length === 0) return;
          const beat = setInterval(() => {
            heartbeat().catch((err: unknown) => opts.log.debug({ err }, 'heartbeat during batch failed'));
          }, heartbeatIntervalMs);
          try {
            const { lastDurableOffset, pauseMs } = await opts.handle({
              topic: batch.topic,
              partition: batch.partition,
              messages: batch.messages.map((m) => ({
                key: m.key ? m.key.toString('utf8') : null,
                value: m.value,
                offset: m.offset,
                timestamp: m.timestamp,
                headers: toHeaders(m.headers as Record<string, unknown> | undefined),
              })),
              isRunning,
              isStale,
            });
            if (lastDurableOffset !== null) {
              resolveOffset(lastDurableOffset);
              await commitOffsetsIfNecessary();
            }
            if (pauseMs !== undefined && isRunning() && !isStale()) {
              const resume = pause();
              const timer = setTimeout(
                () => {
                  resumeTimers.delete(timer);
                  resume();
                },
                Math.max(0, pauseMs),
              );
              resumeTimers.add(timer);
            }
          } finally {
            clearInterval(beat);
          }
        },
      });
    },
    async stop() {
      for (const t of resumeTimers) clearTimeout(t);
      resumeTimers.clear();
      await consumer.disconnect();
      dropLag?.();
      healthy = false;
    },
    isHealthy: () => healthy,
  };
}
