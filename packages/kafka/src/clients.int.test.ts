import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '@hookstream/observability';
import { createKafka, type Kafka, type KafkaClientName } from './client.js';
import { partitionForKey } from './partition.js';
import { createProducer } from './producer.js';
import { readRanges } from './range-reader.js';
import { consumeCount } from './throughput.js';
import { openTopicAdmin, type TopicAdmin } from './topic-admin.js';
import { ensureTopics } from './topics.js';

/*
 * The producer and the admin functions with each client library (KAFKA_CLIENT), on the real
 * local broker. What is written is read back through kafkajs's range reader, so both clients
 * are judged by the same reader; the admin answers of the two are compared with each other.
 */

const log = createLogger({ name: 'clients-int', level: 'silent' });
const CLIENTS: KafkaClientName[] = ['kafkajs', 'platformatic'];
const handle = (client: KafkaClientName, tag: string): Kafka =>
  createKafka({ client, brokers: inject('kafkaBrokers').split(','), clientId: `clients-int-${tag}`, log });
const reader = handle('kafkajs', 'reader');
const suffix = randomBytes(4).toString('hex');
const PARTITIONS = 12;
// Keys whose murmur2 is negative as well as positive; "21" is Kafka's own test vector (negative).
const KEYS = ['21', 'contact:1', 'deal:42', 'ключ', ...Array.from({ length: 60 }, (_, i) => `key-${i}-${suffix}`)];

/** Every message of a topic: its key, partition and headers. */
async function readAll(topic: string): Promise<Array<{ key: string | null; partition: number; value: string; headers: Record<string, string> }>> {
  const admin = await openTopicAdmin(reader);
  const parts = await admin.partitions(topic).finally(() => admin.close());
  const out: Array<{ key: string | null; partition: number; value: string; headers: Record<string, string> }> = [];
  await readRanges(reader, {
    topic,
    groupId: `${topic}-reader`,
    ranges: parts.map((p) => ({ partition: p.partition, start: p.low, end: p.high })),
    commit: false,
    log,
    onMessages: async (partition, messages) => {
      for (const m of messages) out.push({ key: m.key, partition, value: String(m.value), headers: m.headers });
    },
  });
  return out;
}

describe.each(CLIENTS)('with KAFKA_CLIENT=%s', (client) => {
  const kafka = handle(client, client);
  const topic = `clients-int-${client}-${suffix}`;

  it('creates a missing topic with our partition count, leaves an existing one alone, and writes keyed messages with headers (acks=all) on the partition partitionForKey names', async () => {
    await ensureTopics(kafka, [{ topic, numPartitions: PARTITIONS }], log);
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }], log);
    const producer = createProducer(kafka, log);
    await producer.connect();
    expect(producer.isConnected()).toBe(true);
    try {
      // One message per send and one 40-message send, so single and batched writes are both placed.
      for (const key of KEYS.slice(0, 24)) await producer.send(topic, [{ key, value: Buffer.from(`v-${key}`), headers: { 'x-client': client } }], 10_000);
      await producer.send(
        topic,
        KEYS.slice(24).map((key) => ({ key, value: Buffer.from(`v-${key}`), headers: { 'x-client': client } })),
        10_000,
      );
    } finally {
      await producer.disconnect();
    }
    expect(producer.isConnected()).toBe(false);
    const got = await readAll(topic);
    expect(got).toHaveLength(KEYS.length);
    for (const m of got) {
      expect(m.partition).toBe(partitionForKey(m.key ?? '', PARTITIONS));
      expect(m.value).toBe(`v-${m.key}`);
      expect(m.headers).toEqual({ 'x-client': client });
    }
    expect(new Set(got.map((m) => m.key))).toEqual(new Set(KEYS));
    const admin = await openTopicAdmin(kafka);
    try {
      const parts = await admin.partitions(topic);
      expect(parts.map((p) => p.partition)).toEqual(Array.from({ length: PARTITIONS }, (_, i) => i));
      expect(parts.reduce((n, p) => n + p.high - p.low, 0n)).toBe(BigInt(KEYS.length));
    } finally {
      await admin.close();
    }
  });
});

describe('both clients', () => {
  const topic = `clients-int-both-${suffix}`;
  const groupId = `${topic}-group`;
  const before = Date.now();
  let between = 0;
  const admins = new Map<KafkaClientName, TopicAdmin>();
  let got: Awaited<ReturnType<typeof readAll>> = [];

  beforeAll(async () => {
    await ensureTopics(reader, [{ topic, numPartitions: PARTITIONS }], log);
    // The same keys, once through each client: each key must land twice on one partition.
    for (const client of CLIENTS) {
      const producer = createProducer(handle(client, `both-${client}`), log);
      await producer.connect();
      await producer.send(
        topic,
        KEYS.map((key) => ({ key, value: Buffer.from(client) })),
        10_000,
      );
      await producer.disconnect();
      if (client === 'kafkajs') {
        await new Promise((r) => setTimeout(r, 50));
        between = Date.now();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const js = reader.admin();
    await js.connect();
    await js.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: '1' },
        { partition: 5, offset: '2' },
      ],
    });
    await js.disconnect();
    for (const client of CLIENTS) admins.set(client, await openTopicAdmin(handle(client, `admin-${client}`)));
    got = await readAll(topic);
  });
  afterAll(async () => {
    for (const a of admins.values()) await a.close();
  });
  const admin = (c: KafkaClientName): TopicAdmin => admins.get(c) as TopicAdmin;

  it('puts each key on the same partition with either client', async () => {
    // Every key from each client; a write retried after a new topic's NOT_LEADER may land twice (not idempotent).
    for (const client of CLIENTS) expect(new Set(got.filter((m) => m.value === client).map((m) => m.key))).toEqual(new Set(KEYS));
    const partitionsOf = new Map<string, Set<number>>();
    for (const m of got) partitionsOf.set(m.key ?? '', (partitionsOf.get(m.key ?? '') ?? new Set()).add(m.partition));
    expect(partitionsOf.size).toBe(KEYS.length);
    // One partition per key, whichever client wrote it, and the one partitionForKey names.
    for (const [key, placed] of partitionsOf) expect([...placed]).toEqual([partitionForKey(key, PARTITIONS)]);
  });

  it('answers partitions, offsets at a time and committed offsets alike', async () => {
    const [js, plt] = [admin('kafkajs'), admin('platformatic')];
    const parts = await plt.partitions(topic);
    expect(parts).toEqual(await js.partitions(topic));
    expect(parts.reduce((n, p) => n + p.high - p.low, 0n)).toBe(BigInt(got.length));
    for (const at of [before - 60_000, between, Date.now() + 60_000]) expect(await plt.offsetsAtTime(topic, at)).toEqual(await js.offsetsAtTime(topic, at));
    // After the kafkajs writes: only the platformatic half is left, so the offsets sit mid-partition.
    const mid = await plt.offsetsAtTime(topic, between);
    const written = (client: KafkaClientName): bigint => BigInt(got.filter((m) => m.value === client).length);
    expect([...mid.values()].reduce((n, o) => n + o, 0n)).toBe(written('kafkajs'));
    expect(parts.reduce((n, p) => n + p.high - (mid.get(p.partition) ?? 0n), 0n)).toBe(written('platformatic'));
    // A time after every message reads as the end of each partition.
    expect(await plt.offsetsAtTime(topic, Date.now() + 60_000)).toEqual(new Map(parts.map((p) => [p.partition, p.high])));
    expect(await plt.committed(groupId, topic)).toEqual(
      new Map([
        [0, 1n],
        [5, 2n],
      ]),
    );
    expect(await js.committed(groupId, topic)).toEqual(await plt.committed(groupId, topic));
  });

  it.each(CLIENTS)("reads every message with the bench's %s consumer and commits the end of each partition", async (client) => {
    const group = `${topic}-count-${client}`;
    const r = await consumeCount(handle(client, `count-${client}`), { topic, groupId: group, count: got.length, timeoutMs: 60_000 });
    expect(r.messages).toBe(got.length);
    expect(r.commits).toBeGreaterThan(0);
    const parts = await admin(client).partitions(topic);
    expect(await admin(client).committed(group, topic)).toEqual(new Map(parts.filter((p) => p.high > 0n).map((p) => [p.partition, p.high])));
  });

  it('describes and deletes a group alike', async () => {
    const [js, plt] = [admin('kafkajs'), admin('platformatic')];
    expect(await plt.describeGroup(groupId)).toEqual({ state: 'Empty', members: 0 });
    expect(await js.describeGroup(groupId)).toEqual({ state: 'Empty', members: 0 });
    await plt.deleteGroup(groupId);
    expect(await plt.describeGroup(groupId)).toEqual({ state: 'Dead', members: 0 });
    expect(await js.describeGroup(groupId)).toEqual({ state: 'Dead', members: 0 });
    expect(await plt.committed(groupId, topic)).toEqual(new Map());
  });
});
