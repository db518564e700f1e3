import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes } from '@platformatic/kafka';
import type { Kafka } from '../client.js';
import type { ReadRangesOptions } from '../range-reader.js';
import { baseOptions } from './base.js';
import { watchBrokers } from './events.js';
import { fetchPartitions, toMessages } from './fetch.js';

/**
 * readRanges over @platformatic/kafka. The reader still joins `groupId` (its commits are the
 * group's, as with kafkajs), through a stream that is never read; it fetches exactly the
 * partitions whose range is not finished, from where each stands, so no seek or pause is needed.
 */
export async function readRangesPlatformatic(kafka: Kafka, opts: ReadRangesOptions): Promise<'done' | 'aborted'> {
  const { topic } = opts;
  const todo = new Map(opts.ranges.filter((r) => r.start < r.end).map((r) => [r.partition, { ...r, next: r.start }]));
  if (todo.size === 0) return 'done';
  if (opts.signal?.aborted) return 'aborted';
  const consumer = new Consumer({
    ...baseOptions(kafka, { retries: 5, initialMs: 300, maxMs: 5_000 }),
    groupId: opts.groupId,
    autocommit: false,
    maxWaitTime: 200,
    // kafkajs's protocol name, as createBatchConsumer's (platformatic/consumer.ts).
    protocols: [{ name: 'RoundRobinAssigner', version: 0 }],
  });
  watchBrokers(consumer, opts.log);
  try {
    await consumer.consume({
      topics: [topic],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      autocommit: false,
      protocols: [{ name: 'RoundRobinAssigner', version: 0 }],
    });
    let refreshMetadata = false;
    for (;;) {
      // Stops between chunks: the chunk in hand was finished and committed.
      if (opts.signal?.aborted) return 'aborted';
      const open = [...todo.values()].filter((r) => r.next < r.end);
      if (open.length === 0) return 'done';
      const { batches, outOfRange, staleMetadata, asked } = await fetchPartitions(
        consumer,
        [topic],
        open.map((r) => ({ topic, partition: r.partition, from: r.next })),
        opts.maxBytesPerPartition ?? 1024 * 1024,
        refreshMetadata,
      );
      refreshMetadata = staleMetadata;
      // No leader for any open partition, or a partition failed: wait a moment instead of spinning.
      if (asked === 0 || staleMetadata) await new Promise((r) => setTimeout(r, 100));
      // Deleted by retention since the range was planned: what is left starts at the log's start.
      for (const o of outOfRange) {
        const r = todo.get(o.partition);
        if (r && o.logStart > r.next) r.next = o.logStart < r.end ? o.logStart : r.end;
      }
      for (const b of batches) {
        const r = todo.get(b.partition);
        if (!r) continue;
        const messages = toMessages(b.batches, r.next).filter((m) => BigInt(m.offset) < r.end);
        const last = messages[messages.length - 1];
        if (last) {
          await opts.onMessages(b.partition, messages);
          r.next = BigInt(last.offset) + 1n;
          if (opts.commit) await consumer.commit({ offsets: [{ topic, partition: b.partition, offset: r.next, leaderEpoch: -1 }] });
          if (opts.signal?.aborted) return 'aborted';
        }
        // Control records and compacted gaps: the batch reached the end even without a message there.
        if (b.end >= r.end) r.next = r.end;
        else if (!last && b.end > r.next) r.next = b.end;
      }
    }
  } finally {
    await consumer.close(true).catch((err: unknown) => opts.log.warn({ err }, 'range reader disconnect failed'));
  }
}
