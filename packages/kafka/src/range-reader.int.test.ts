import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createLogger } from '@hookstream/observability';
import { createKafka, type KafkaClientName } from './client.js';
import type { ConsumedMessage } from './consumer.js';
import { createProducer } from './producer.js';
import { readRanges } from './range-reader.js';
import { openTopicAdmin } from './topic-admin.js';
import { ensureTopics } from './topics.js';

const log = createLogger({ name: 'range-reader-int', level: 'silent' });
const CLIENTS: KafkaClientName[] = ['kafkajs', 'platformatic'];

describe.each(CLIENTS)('readRanges with KAFKA_CLIENT=%s', (client) => {
  const kafka = createKafka({ client, brokers: inject('kafkaBrokers').split(','), clientId: `range-reader-${client}`, log });

  /** A 2-partition topic with 20 messages; each partition's [low, high) as the broker holds it. */
  async function filled(): Promise<{ topic: string; held: Array<{ partition: number; low: bigint; high: bigint }> }> {
    const topic = `range-reader-${client}-${randomBytes(4).toString('hex')}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }], log);
    const producer = createProducer(kafka, log);
    await producer.connect();
    await producer.send(
      topic,
      Array.from({ length: 20 }, (_, i) => ({ key: `key-${i}`, value: Buffer.from(String(i)), headers: { n: String(i) } })),
      10_000,
    );
    await producer.disconnect();
    const admin = await openTopicAdmin(kafka);
    const held = await admin.partitions(topic).finally(() => admin.close());
    return { topic, held };
  }
  const committed = async (groupId: string, topic: string): Promise<Map<number, bigint>> => {
    const admin = await openTopicAdmin(kafka);
    return admin.committed(groupId, topic).finally(() => admin.close());
  };

  it('reads exactly each range, in offset order, and commits past each chunk', async () => {
    const { topic, held } = await filled();
    const ranges = held.map((p) => ({ partition: p.partition, start: p.low + 2n, end: p.high - 1n }));
    expect(ranges.every((r) => r.end > r.start)).toBe(true);
    const got = new Map<number, ConsumedMessage[]>();
    const how = await readRanges(kafka, {
      topic,
      groupId: `${topic}-reader`,
      ranges,
      commit: true,
      log,
      onMessages: async (partition, messages) => void got.set(partition, [...(got.get(partition) ?? []), ...messages]),
    });
    expect(how).toBe('done');
    for (const r of ranges) {
      const offsets = (got.get(r.partition) ?? []).map((m) => BigInt(m.offset));
      expect(offsets).toEqual(Array.from({ length: Number(r.end - r.start) }, (_, i) => r.start + BigInt(i)));
      for (const m of got.get(r.partition) ?? []) expect(m.headers.n).toBe(String(m.value));
    }
    expect(await committed(`${topic}-reader`, topic)).toEqual(new Map(ranges.map((r) => [r.partition, r.end])));
  });

  it('stops after the chunk in hand when aborted, with that chunk committed', async () => {
    const { topic, held } = await filled();
    const ranges = held.map((p) => ({ partition: p.partition, start: p.low, end: p.high }));
    const abort = new AbortController();
    const chunks: Array<{ partition: number; last: bigint }> = [];
    const how = await readRanges(kafka, {
      topic,
      groupId: `${topic}-reader`,
      ranges,
      commit: true,
      log,
      signal: abort.signal,
      onMessages: async (partition, messages) => {
        chunks.push({ partition, last: BigInt(messages[messages.length - 1]?.offset ?? -1) });
        abort.abort();
      },
    });
    expect(how).toBe('aborted');
    expect(chunks).toHaveLength(1);
    const first = chunks[0] as { partition: number; last: bigint };
    expect((await committed(`${topic}-reader`, topic)).get(first.partition)).toBe(first.last + 1n);
  });
});
