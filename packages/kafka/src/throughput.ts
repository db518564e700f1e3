/**
 * @module kafka/throughput: the bench's raw consumer, one per client library, so the two
 * libraries' consumers are measured doing the same work: join a fresh group, read a topic from
 * the beginning and commit after every fetched batch (kafkajs: each eachBatch; platformatic:
 * each fetch response). Not used by the services (they use createBatchConsumer).
 */
import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes, type Message } from '@platformatic/kafka';
import type { Kafka } from './client.js';
import { baseOptions } from './platformatic/base.js';

export interface ConsumeCountOptions {
  topic: string;
  groupId: string;
  /** Messages to read; resolves once this many were read and their offsets committed. */
  count: number;
  timeoutMs?: number;
}

export interface ConsumeCountResult {
  messages: number;
  /** From the first message to the last commit: the group join is left out. */
  seconds: number;
  commits: number;
}

const FETCH = { maxBytesPerPartition: 1024 * 1024, minBytes: 1, maxWaitMs: 250 } as const;

export function consumeCount(kafka: Kafka, opts: ConsumeCountOptions): Promise<ConsumeCountResult> {
  return kafka.client === 'platformatic' ? consumePlatformatic(kafka, opts) : consumeKafkaJs(kafka, opts);
}

function deadline<T>(ms: number, what: string): { promise: Promise<T>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

async function consumeKafkaJs(kafka: Kafka, opts: ConsumeCountOptions): Promise<ConsumeCountResult> {
  const consumer = kafka.consumer({
    groupId: opts.groupId,
    maxBytesPerPartition: FETCH.maxBytesPerPartition,
    minBytes: FETCH.minBytes,
    maxWaitTimeInMs: FETCH.maxWaitMs,
    allowAutoTopicCreation: false,
  });
  let seen = 0;
  let commits = 0;
  let first = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const limit = deadline<never>(opts.timeoutMs ?? 300_000, 'kafkajs consume');
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [opts.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        if (first === 0) first = performance.now();
        resolveOffset(batch.lastOffset());
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(BigInt(batch.lastOffset()) + 1n) }]);
        commits += 1;
        seen += batch.messages.length;
        if (seen >= opts.count) finish();
      },
    });
    await Promise.race([done, limit.promise]);
    return { messages: seen, seconds: (performance.now() - first) / 1000, commits };
  } finally {
    limit.clear();
    await consumer.disconnect();
  }
}

async function consumePlatformatic(kafka: Kafka, opts: ConsumeCountOptions): Promise<ConsumeCountResult> {
  const consumer = new Consumer({
    ...baseOptions(kafka),
    groupId: opts.groupId,
    autocommit: false,
    maxBytesPerPartition: FETCH.maxBytesPerPartition,
    minBytes: FETCH.minBytes,
    maxWaitTime: FETCH.maxWaitMs,
  });
  const limit = deadline<never>(opts.timeoutMs ?? 300_000, 'platformatic consume');
  try {
    const stream = await consumer.consume({
      topics: [opts.topic],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      autocommit: false,
    });
    let seen = 0;
    let commits = 0;
    let first = 0;
    const last = new Map<number, Message>();
    const pending: Array<Promise<void>> = [];
    // Commits the last message read of each partition, once per fetch response, like one eachBatch commit.
    const commit = (): void => {
      for (const m of last.values()) {
        pending.push(Promise.resolve(m.commit()));
        commits += 1;
      }
      last.clear();
    };
    const done = new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('fetch', commit);
      stream.on('data', (m: Message) => {
        if (first === 0) first = performance.now();
        last.set(m.partition, m);
        seen += 1;
        if (seen >= opts.count) {
          commit();
          resolve();
        }
      });
    });
    await Promise.race([done, limit.promise]);
    await Promise.all(pending);
    const seconds = (performance.now() - first) / 1000;
    await stream.close();
    return { messages: seen, seconds, commits };
  } finally {
    limit.clear();
    await consumer.close(true);
  }
}
