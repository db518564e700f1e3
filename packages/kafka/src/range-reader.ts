import type { Kafka } from './client.js';
import type { Logger } from '@hookstream/observability';
import { toHeaders, type ConsumedMessage } from './consumer.js';
import { readRangesPlatformatic } from './platformatic/range-reader.js';

/** Offsets [start, end) of one partition. */
export interface PartitionRange {
  partition: number;
  start: bigint;
  end: bigint;
}

export interface ReadRangesOptions {
  topic: string;
  /** The group the reader joins; with `commit`, its committed offsets record progress. */
  groupId: string;
  ranges: readonly PartitionRange[];
  /**
   * One chunk of one partition, in offset order. Once it resolves the chunk is done: with
   * `commit`, the group's offset moves past it before the next chunk of that partition.
   */
  onMessages(partition: number, messages: readonly ConsumedMessage[]): Promise<void>;
  commit: boolean;
  log: Logger;
  /** Stops after the chunk in hand (it is finished and committed first). */
  signal?: AbortSignal;
  maxBytesPerPartition?: number;
}

/**
 * Reads bounded offset ranges of a topic, e.g. a slice of the dead-letter topic. kafkajs has no
 * manual assignment, so this joins `groupId` (it should be the only member), seeks each
 * partition to its start and pauses each one once it reaches its end.
 */
export async function readRanges(kafka: Kafka, opts: ReadRangesOptions): Promise<'done' | 'aborted'> {
  if (kafka.client === 'platformatic') return readRangesPlatformatic(kafka, opts);
  const todo = new Map(opts.ranges.filter((r) => r.start < r.end).map((r) => [r.partition, { ...r, next: r.start }]));
  if (todo.size === 0) return 'done';
  const { topic } = opts;
  let finish!: (how: 'done' | 'aborted' | 'failed') => void;
  const finished = new Promise<'done' | 'aborted' | 'failed'>((resolve) => (finish = resolve));
  let failure: unknown;
  // An abort waits for the chunk in hand: it must be committed before the consumer leaves.
  let busy = false;
  const onAbort = () => {
    if (!busy) finish('aborted');
  };
  if (opts.signal?.aborted) return 'aborted';
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const consumer = kafka.consumer({
    groupId: opts.groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 200,
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 1024 * 1024,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
  // Positions are set on every join, not once after run(): a first join that fails is retried
  // by kafkajs, and until a join succeeds there is no group to seek in.
  consumer.on(consumer.events.GROUP_JOIN, () => {
    try {
      const idle = opts.ranges.map((r) => r.partition).filter((p) => (todo.get(p)?.next ?? 0n) >= (todo.get(p)?.end ?? 0n));
      if (idle.length > 0) consumer.pause([{ topic, partitions: idle }]);
      for (const r of todo.values()) if (r.next < r.end) consumer.seek({ topic, partition: r.partition, offset: String(r.next) });
    } catch (err) {
      opts.log.warn({ err }, 'range reader could not position its partitions');
    }
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    failure = payload.error;
    finish('failed');
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, pause, isStale }) => {
        const r = todo.get(batch.partition);
        if (!r || r.next >= r.end) {
          pause();
          return;
        }
        // A batch fetched before our seek took effect: its messages come again from the seek position.
        if (isStale() || opts.signal?.aborted) return;
        const messages: ConsumedMessage[] = [];
        for (const m of batch.messages) {
          const o = BigInt(m.offset);
          if (o < r.next || o >= r.end) continue;
          messages.push({
            key: m.key ? m.key.toString('utf8') : null,
            value: m.value,
            offset: m.offset,
            timestamp: m.timestamp,
            headers: toHeaders(m.headers as Record<string, unknown> | undefined),
          });
        }
        const last = messages[messages.length - 1];
        if (last) {
          busy = true;
          try {
            await opts.onMessages(batch.partition, messages);
            r.next = BigInt(last.offset) + 1n;
            resolveOffset(last.offset);
            if (opts.commit) await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(r.next) }]);
          } finally {
            busy = false;
          }
          if (opts.signal?.aborted) finish('aborted');
        }
        // Control records and compacted gaps: the batch reached the end even without a message there.
        if (BigInt(batch.lastOffset()) + 1n >= r.end) r.next = r.end;
        if (r.next >= r.end) {
          pause();
          if ([...todo.values()].every((x) => x.next >= x.end)) finish('done');
        }
        await heartbeat();
      },
    });
    const how = await finished;
    if (how === 'failed') throw failure;
    return how;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch((err: unknown) => opts.log.warn({ err }, 'range reader disconnect failed'));
  }
}
