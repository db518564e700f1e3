import { Consumer, ListOffsetTimestamps, MessagesStreamFallbackModes, MessagesStreamModes, type GroupAssignment } from '@platformatic/kafka';
import type { Kafka } from '../client.js';
import type { BatchConsumer, BatchConsumerOptions, ConsumedMessage } from '../consumer.js';
import { consumerLagGauge } from '../lag.js';
import { baseOptions } from './base.js';
import { watchBrokers } from './events.js';
import { fetchPartitions, toMessages, type FetchedBatch, type FetchWant } from './fetch.js';
import { watchJoins } from './joins.js';
import { createRejoiner } from './rejoin.js';

const key = (topic: string, partition: number): string => `${topic}:${partition}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * createBatchConsumer over @platformatic/kafka. The library's consumer stream has no
 * per-partition pause or seek, so the group membership (join, heartbeats on the library's own
 * timer, rejoin on a rebalance) is the library's, through a stream that is never read and so
 * never fetches, and the fetching is ours: one fetch per leader of every owned partition that
 * is neither paused nor handled, then each partition's batch to the handler (at most
 * partitionsConsumedConcurrently at once), then its commit, then the next fetch, as kafkajs does.
 */
export function createPlatformaticBatchConsumer(kafka: Kafka, opts: BatchConsumerOptions): BatchConsumer {
  const { log } = opts;
  const sessionTimeout = opts.sessionTimeoutMs ?? 30_000;
  const heartbeatInterval = opts.heartbeatIntervalMs ?? 3000;
  // kafkajs's protocol name (its round-robin assignor, subscription v0), not the library's
  // "roundrobin": the broker refuses a member whose protocols share no name with the group's,
  // so without it a group could not hold kafkajs and platformatic members during a rolling
  // switch of KAFKA_CLIENT. Both encode assignments in Kafka's standard ConsumerProtocol format.
  const group = { sessionTimeout, heartbeatInterval, rebalanceTimeout: 60_000, protocols: [{ name: 'RoundRobinAssigner', version: 0 }] };
  const consumer = new Consumer({
    // A broker back after an outage must be noticed within a second, not after the next step of
    // a backoff that had grown to tens of seconds (the fault suite's broker restart took 8 s to
    // resume with 300 ms → 30 s); 60 retries still ride out about a minute of outage before a
    // join or fetch gives up.
    ...baseOptions(kafka, { retries: 60, initialMs: 250, maxMs: 1000 }),
    groupId: opts.groupId,
    ...group,
    autocommit: false,
    minBytes: opts.minBytes ?? 1,
    maxWaitTime: opts.maxWaitTimeMs ?? 250,
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 1024 * 1024,
  });
  watchBrokers(consumer, log);
  const joins = watchJoins(consumer);
  let running = false;
  let healthy = false;
  let generation = 0;
  let assignment: Record<string, number[]> = {};
  /** Next offset to fetch per owned partition; absent: read the group's committed offset first. */
  const positions = new Map<string, bigint>();
  const pausedUntil = new Map<string, number>();
  let loop: Promise<void> | undefined;
  let refreshMetadata = false;
  let idle = false;
  const dropLag = opts.registry ? consumerLagGauge(kafka, opts.registry, log).add({ groupId: opts.groupId, assignment: () => assignment }) : undefined;

  consumer.on('consumer:group:join', (payload) => {
    generation += 1;
    assignment = toAssignment(opts.topics, payload.assignments ?? []);
    // A rebalance may hand a partition back after another member moved it on: read its commit again.
    positions.clear();
    pausedUntil.clear();
    healthy = true;
    log.info({ memberId: payload.memberId, assignment }, 'joined consumer group');
    opts.onAssignment?.(assignment);
  });
  consumer.on('consumer:heartbeat:error', ({ error }) => log.debug({ err: error }, 'heartbeat failed'));
  const rejoiner = createRejoiner({
    join: () => consumer.joinGroup({ ...group }),
    onLost: () => {
      // Batches in flight become stale (no commit); nothing is fetched until the next join.
      generation += 1;
      assignment = {};
      positions.clear();
      pausedUntil.clear();
      healthy = false;
      opts.onAssignment?.({});
    },
    isRunning: () => running,
    log,
  });
  consumer.on('error', (err: unknown) => rejoiner.lost(err));

  const owns = (topic: string, partition: number): boolean => assignment[topic]?.includes(partition) ?? false;

  /** Positions of owned partitions that have none: the group's commit, else the topic's start (or end). */
  async function fillPositions(): Promise<void> {
    const missing = Object.entries(assignment)
      .map(([topic, parts]) => ({ topic, partitions: parts.filter((p) => !positions.has(key(topic, p))) }))
      .filter((t) => t.partitions.length > 0);
    if (missing.length === 0) return;
    const gen = generation;
    const committed = await consumer.listCommittedOffsets({ topics: missing });
    const fallback = await consumer.listOffsets({
      topics: missing.map((t) => t.topic),
      partitions: Object.fromEntries(missing.map((t) => [t.topic, t.partitions])),
      timestamp: (opts.fromBeginning ?? true) ? ListOffsetTimestamps.EARLIEST : ListOffsetTimestamps.LATEST,
    });
    if (gen !== generation) return;
    for (const t of missing) {
      for (const p of t.partitions) {
        const c = committed.get(t.topic)?.[p] ?? -1n;
        positions.set(key(t.topic, p), c >= 0n ? c : (fallback.get(t.topic)?.[p] ?? 0n));
      }
    }
  }

  /** One fetch per leader for every owned partition that is not paused. */
  async function fetchAll(): Promise<FetchedBatch[]> {
    const now = Date.now();
    const wants: FetchWant[] = [];
    for (const [topic, parts] of Object.entries(assignment)) {
      for (const partition of parts) {
        const from = positions.get(key(topic, partition));
        if (from !== undefined && (pausedUntil.get(key(topic, partition)) ?? 0) <= now) wants.push({ topic, partition, from });
      }
    }
    const { batches, outOfRange, staleMetadata, asked } = await fetchPartitions(
      consumer,
      opts.topics,
      wants,
      opts.maxBytesPerPartition ?? 1024 * 1024,
      refreshMetadata,
    );
    refreshMetadata = staleMetadata;
    for (const o of outOfRange) positions.set(key(o.topic, o.partition), (opts.fromBeginning ?? true) ? o.logStart : o.high);
    // Nothing was asked (no leader, all paused) or a partition failed: the next round waits a moment instead of spinning.
    idle = asked === 0 || staleMetadata;
    return batches;
  }

  async function commitDurable(topic: string, partition: number, lastDurableOffset: string): Promise<void> {
    // During a join the commit would fail and make the library join once more (see joins.ts);
    // the events are durable and deduplicated, so the next owner re-reading them costs nothing.
    if (joins.joining()) return log.debug({ topic, partition }, 'offset commit skipped: the group is rebalancing');
    await consumer
      .commit({ offsets: [{ topic, partition, offset: BigInt(lastDurableOffset) + 1n, leaderEpoch: -1 }] })
      // A rebalance between the fetch and the commit: the new owner reads from the last commit.
      .catch((err: unknown) => log.warn({ err, topic, partition }, 'offset commit failed'));
  }

  async function handleBatch(b: FetchedBatch): Promise<void> {
    const gen = generation;
    const k = key(b.topic, b.partition);
    const messages = toMessages(b.batches, b.from);
    const { end } = b;
    const isStale = (): boolean => gen !== generation || !owns(b.topic, b.partition);
    if (messages.length === 0) {
      // Only control records or compacted gaps: move past them.
      if (!isStale()) positions.set(k, end);
      return;
    }
    const { lastDurableOffset, pauseMs } = await opts.handle({ topic: b.topic, partition: b.partition, messages, isRunning: () => running, isStale });
    if (isStale()) return;
    if (lastDurableOffset !== null) await commitDurable(b.topic, b.partition, lastDurableOffset);
    if (pauseMs !== undefined && running) {
      // The messages after the durable one come again once the pause is over.
      positions.set(k, lastDurableOffset !== null ? BigInt(lastDurableOffset) + 1n : BigInt((messages[0] as ConsumedMessage).offset));
      pausedUntil.set(k, Date.now() + Math.max(0, pauseMs));
      return;
    }
    positions.set(k, end);
  }

  async function run(): Promise<void> {
    const concurrency = Math.max(1, opts.partitionsConsumedConcurrently ?? 1);
    let failures = 0;
    while (running) {
      try {
        await fillPositions();
        const batches = await fetchAll();
        if (batches.length === 0) {
          // An empty fetch already waited maxWaitTime at the broker; one not sent (no leader, all paused) or failed did not.
          if (idle || Object.keys(assignment).length === 0) await sleep(100);
          continue;
        }
        const queue = [...batches];
        await Promise.all(
          Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
            for (let b = queue.shift(); b && running; b = queue.shift()) await handleBatch(b);
          }),
        );
        failures = 0;
      } catch (err) {
        if (!running) return;
        failures += 1;
        log.warn({ err, failures }, 'consumer fetch failed; retrying');
        await sleep(Math.min(2000, 250 * 2 ** Math.min(failures, 3)));
      }
    }
  }

  return {
    async start() {
      // Joins the group. The stream is never read, so it never fetches (its fetch waits for a reader).
      const stream = await consumer.consume({
        topics: [...opts.topics],
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: (opts.fromBeginning ?? true) ? MessagesStreamFallbackModes.EARLIEST : MessagesStreamFallbackModes.LATEST,
        autocommit: false,
        ...group,
      });
      // The stream carries no messages of ours; a failure of its own (refreshing offsets after a
      // join during an outage) must not end the process as an unhandled 'error'.
      stream.on('error', (err: unknown) => log.warn({ err }, "the library's unread message stream failed; fetching is unaffected"));
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      await loop;
      await consumer.close(true);
      joins.close();
      dropLag?.();
      healthy = false;
      assignment = {};
      opts.onAssignment?.({});
    },
    isHealthy: () => healthy,
  };
}

function toAssignment(topics: readonly string[], assignments: readonly GroupAssignment[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const t of topics) out[t] = [];
  for (const a of assignments) out[a.topic] = [...a.partitions].sort((x, y) => x - y);
  return out;
}
