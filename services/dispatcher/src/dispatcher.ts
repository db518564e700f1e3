import {
  createDeliveryStore,
  createEndpointStore,
  createFanoutCursor,
  createHttpSender,
  createWebhookDestination,
  type Destination,
  type DueDelivery,
  type Resolve,
} from '@hookstream/deliveries';
import { createBatchConsumer, createProducer, ensureTopics, type BatchHandler, type Kafka } from '@hookstream/kafka';
import type { Logger, Tracing } from '@hookstream/observability';
import type { DataSource } from '@hookstream/store';
import type { DispatcherConfig } from './config.js';
import { createCourier } from './courier.js';
import { createFanout, type Fanout } from './fanout.js';
import { decodeJob } from './job.js';
import { createLaneSet, type LaneSet } from './lanes.js';
import { createLeadership } from './leader.js';
import { createDispatcherMetrics, type DispatcherMetrics } from './metrics.js';
import { createRecorder } from './recorder.js';
import { createRoutingTable } from './routing.js';

export interface DispatcherDeps {
  config: DispatcherConfig;
  kafka: Kafka;
  dataSource: DataSource;
  log: Logger;
  /** DNS for the destination guard; tests inject one. */
  resolve?: Resolve;
  /** Destinations beside the built-in webhook one (Meta, Brevo), by kind. */
  destinations?: readonly Destination[];
  /** Delivery attempt spans; absent: tracing off. */
  tracing?: Tracing;
}

export interface Dispatcher {
  start(): Promise<void>;
  stop(): Promise<void>;
  ready(): boolean;
  metrics: DispatcherMetrics;
  fanout: Fanout;
  lanes(): LaneSet;
}

/** How often the leader counts pending deliveries for the backlog gauge. */
const BACKLOG_EVERY_MS = 10_000;

/** The name of the fan-out's database lock (one reader of the ledger at a time). */
const FANOUT_LOCK = 'hookstream.deliveries.fanout';

/**
 * One dispatcher replica: a member of the deliveries consumer group (its partitions decide
 * which endpoints it sends to), and a candidate for the fan-out. Wiring only; each part is in
 * its own module.
 */
export function createDispatcher(d: DispatcherDeps): Dispatcher {
  const { config, log } = d;
  const metrics = createDispatcherMetrics();
  const endpoints = createEndpointStore(d.dataSource);
  const deliveries = createDeliveryStore(d.dataSource);
  const routing = createRoutingTable(endpoints, log);
  const sender = createHttpSender({
    destinations: { allowPrivate: config.DELIVERY_ALLOW_PRIVATE_NETWORKS, allowHttp: config.DELIVERY_ALLOW_HTTP, allowList: config.DELIVERY_ALLOW_LIST },
    timeoutMs: config.DELIVERY_TIMEOUT_MS,
    ...(d.resolve ? { resolve: d.resolve } : {}),
  });
  const producer = createProducer(d.kafka, log);
  const recorder = createRecorder(deliveries, log);
  const destinations = new Map<string, Destination>([createWebhookDestination(), ...(d.destinations ?? [])].map((x) => [x.kind, x]));
  const courier = createCourier({ dataSource: d.dataSource, sender, schedule: config.DELIVERY_RETRY_SCHEDULE, destinations, tracing: d.tracing });
  const fanout = createFanout({
    dataSource: d.dataSource,
    routing,
    cursor: createFanoutCursor(d.dataSource),
    leadership: createLeadership(d.dataSource, FANOUT_LOCK, log),
    producer,
    topic: config.DELIVERIES_TOPIC,
    log,
    batchSize: config.FANOUT_BATCH_SIZE,
    idleMs: config.FANOUT_IDLE_MS,
    onRound: ({ jobs, lastEventId }) => {
      metrics.jobsProduced.inc(jobs);
      metrics.fanoutPosition.set(lastEventId);
    },
  });
  let lanes: LaneSet | null = null;
  let refreshTimer: NodeJS.Timeout | null = null;
  let consumer: ReturnType<typeof createBatchConsumer> | null = null;

  const handle: BatchHandler = async ({ messages }) => {
    const jobs = [];
    for (const m of messages) {
      const job = decodeJob(m.value);
      if (job) jobs.push(job);
      else log.error({ offset: m.offset }, 'skipping a message on the deliveries topic that is not a delivery job');
    }
    const now = Date.now();
    const created = await deliveries.enqueue(jobs, now);
    if (created === jobs.length) {
      // All new (the usual case): hand them to their lanes instead of having each lane read them back.
      const byEndpoint = new Map<string, DueDelivery[]>();
      for (const j of jobs) {
        const rows = byEndpoint.get(j.endpointId) ?? [];
        rows.push({ eventId: j.eventId, attempts: 0, roundAttempts: 0, nextAttemptAt: now });
        byEndpoint.set(j.endpointId, rows);
      }
      for (const [id, rows] of byEndpoint) lanes?.offer(id, rows);
    } else {
      // A replay: which rows existed (and in what state) only the database knows.
      for (const id of new Set(jobs.map((j) => j.endpointId))) lanes?.kick(id);
    }
    return { lastDurableOffset: messages[messages.length - 1]?.offset ?? null };
  };

  let backlogAt = 0;
  /** One count for the whole group, by the fan-out leader: every replica counting would multiply the scan. */
  const countBacklog = async (): Promise<void> => {
    const rows = (await d.dataSource.query(
      "SELECT e.kind AS kind, COUNT(*) AS n FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id WHERE d.state = 'pending' GROUP BY e.kind",
    )) as Array<{ kind: string; n: unknown }>;
    metrics.backlog.reset();
    for (const r of rows) metrics.backlog.set({ kind: r.kind }, Number(r.n));
    const states = (await d.dataSource.query('SELECT enabled, COUNT(*) AS n FROM endpoints GROUP BY enabled')) as Array<{ enabled: unknown; n: unknown }>;
    metrics.endpoints.set({ state: 'enabled' }, 0);
    metrics.endpoints.set({ state: 'disabled' }, 0);
    for (const r of states) metrics.endpoints.set({ state: Number(r.enabled) === 1 ? 'enabled' : 'disabled' }, Number(r.n));
  };

  const refreshLoop = (): void => {
    refreshTimer = setTimeout(() => {
      routing
        .refresh()
        .then((changed) => {
          for (const id of changed) lanes?.kick(id, true);
        })
        .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'reading endpoints failed'))
        .finally(() => {
          if (refreshTimer) refreshLoop();
          metrics.lanes.set(lanes?.size() ?? 0);
          metrics.inFlight.set(lanes?.inFlight() ?? 0);
          if (fanout.isLeader() && Date.now() - backlogAt >= BACKLOG_EVERY_MS) {
            backlogAt = Date.now();
            countBacklog().catch((err: unknown) => log.debug({ err: (err as Error).message }, 'counting the backlog failed'));
          }
        });
    }, config.ENDPOINTS_REFRESH_MS);
  };

  return {
    metrics,
    fanout,
    lanes: () => {
      if (!lanes) throw new Error('the dispatcher has not started');
      return lanes;
    },
    async start() {
      await ensureTopics(
        d.kafka,
        [{ topic: config.DELIVERIES_TOPIC, numPartitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR }],
        log,
      );
      const numPartitions = await partitionCount(d.kafka, config.DELIVERIES_TOPIC);
      await routing.refresh();
      lanes = createLaneSet({
        deliveries,
        endpoints,
        routing,
        courier,
        recorder,
        log,
        defaultConcurrency: config.DELIVERY_ENDPOINT_CONCURRENCY,
        disableAfterMs: config.ENDPOINT_DISABLE_AFTER,
        numPartitions,
        knownEndpoints: () => routing.all().map((r) => r.endpoint.id),
        onAttempt: (_id, kind, r) => {
          metrics.attempts.inc({ outcome: r.attempt.outcome, kind });
          metrics.attemptSeconds.observe({ outcome: r.attempt.outcome }, r.attempt.latencyMs / 1000);
          metrics.results.inc({ kind, result: r.state === 'pending' ? 'retried' : r.state });
        },
      });
      const set = lanes;
      await producer.connect();
      consumer = createBatchConsumer(d.kafka, {
        groupId: config.DISPATCHER_GROUP_ID,
        topics: [config.DELIVERIES_TOPIC],
        log,
        handle,
        partitionsConsumedConcurrently: 4,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        registry: metrics.registry,
        onAssignment: (assignment) => {
          set.assign(assignment[config.DELIVERIES_TOPIC] ?? []).catch((err: unknown) => log.error({ err }, 'taking over endpoints failed'));
        },
      });
      await consumer.start();
      fanout.start();
      refreshLoop();
    },
    async stop() {
      if (refreshTimer) clearTimeout(refreshTimer);
      refreshTimer = null;
      await fanout.stop();
      await consumer?.stop();
      await lanes?.stop();
      await recorder.flush();
      await producer.disconnect();
      await sender.close();
    },
    ready: () => consumer?.isHealthy() ?? false,
  };
}

async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const n = topics[0]?.partitions.length ?? 0;
    if (n === 0) throw new Error(`topic ${topic} has no partitions`);
    return n;
  } finally {
    await admin.disconnect();
  }
}
