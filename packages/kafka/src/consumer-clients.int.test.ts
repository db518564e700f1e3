import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createLogger } from '@hookstream/observability';
import { createKafka, type Kafka, type KafkaClientName } from './client.js';
import { createBatchConsumer, type BatchConsumer, type BatchHandler } from './consumer.js';
import { partitionForKey } from './partition.js';
import { createProducer } from './producer.js';
import { openTopicAdmin } from './topic-admin.js';
import { ensureTopics } from './topics.js';

/*
 * createBatchConsumer's guarantees with each client library (KAFKA_CLIENT), on the real local
 * broker: a paused partition's undurable messages come again after the pause while the other
 * partitions flow, the rebalance callback names each member's partitions, and only what the
 * handler reports durable is committed (at-least-once).
 */

const log = createLogger({ name: 'consumer-clients-int', level: 'silent' });
const CLIENTS: KafkaClientName[] = ['kafkajs', 'platformatic'];

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A key that lands on `partition` of a `n`-partition topic. */
function keyFor(partition: number, n: number, i: number): string {
  for (let j = 0; ; j += 1) {
    const k = `k-${i}-${j}`;
    if (partitionForKey(k, n) === partition) return k;
  }
}

async function fill(kafka: Kafka, topic: string, n: number, perPartition: number): Promise<void> {
  const producer = createProducer(kafka, log);
  await producer.connect();
  const messages = Array.from({ length: n * perPartition }, (_, i) => ({ key: keyFor(i % n, n, i), value: Buffer.from(String(i)) }));
  await producer.send(topic, messages, 10_000);
  await producer.disconnect();
}

describe.each(CLIENTS)('createBatchConsumer with KAFKA_CLIENT=%s', (client) => {
  const kafka = createKafka({ client, brokers: inject('kafkaBrokers').split(','), clientId: `consumer-clients-${client}`, log });
  const fresh = async (partitions: number): Promise<string> => {
    const topic = `consumer-clients-${client}-${randomBytes(4).toString('hex')}`;
    await ensureTopics(kafka, [{ topic, numPartitions: partitions }], log);
    return topic;
  };
  const committed = async (groupId: string, topic: string): Promise<Map<number, bigint>> => {
    const admin = await openTopicAdmin(kafka);
    return admin.committed(groupId, topic).finally(() => admin.close());
  };
  /** Offsets each partition holds. A write to a brand-new topic may land twice (docs/kafka.md), so count, do not assume. */
  const held = async (topic: string): Promise<string[][]> => {
    const admin = await openTopicAdmin(kafka);
    const parts = await admin.partitions(topic).finally(() => admin.close());
    return parts.map((p) => Array.from({ length: Number(p.high - p.low) }, (_, i) => String(p.low + BigInt(i))));
  };

  it('pauses one partition for pauseMs and reads its undurable messages again after it, while the other flows', async () => {
    const topic = await fresh(2);
    await fill(kafka, topic, 2, 3);
    const [o0 = [], o1 = []] = await held(topic);
    const seen: Array<{ partition: number; offsets: string[]; at: number }> = [];
    let pausedOnce = false;
    const handle: BatchHandler = async ({ partition, messages }) => {
      seen.push({ partition, offsets: messages.map((m) => m.offset), at: Date.now() });
      if (partition === 0 && !pausedOnce) {
        pausedOnce = true;
        // The first message is durable, the other two are not due yet.
        return { lastDurableOffset: messages[0]?.offset ?? null, pauseMs: 1_500 };
      }
      return { lastDurableOffset: messages[messages.length - 1]?.offset ?? null };
    };
    const consumer = createBatchConsumer(kafka, { groupId: topic, topics: [topic], log, handle, maxWaitTimeMs: 50 });
    try {
      await consumer.start();
      await until('both partitions committed to the end', async () => {
        const c = await committed(topic, topic);
        return c.get(0) === BigInt(o0.length) && c.get(1) === BigInt(o1.length) ? c : undefined;
      });
      const p0 = seen.filter((s) => s.partition === 0);
      const p1 = seen.filter((s) => s.partition === 1);
      expect(o0.length).toBeGreaterThanOrEqual(3);
      expect(p0[0]?.offsets).toEqual(o0);
      // After the pause: from the message after the durable one, not before 1.5 s.
      expect(p0[1]?.offsets).toEqual(o0.slice(1));
      expect((p0[1]?.at ?? 0) - (p0[0]?.at ?? 0)).toBeGreaterThanOrEqual(1_400);
      expect(p1.flatMap((s) => s.offsets)).toEqual(o1);
      // Partition 1 was handled during partition 0's pause.
      expect(p1[0]?.at ?? Infinity).toBeLessThan(p0[1]?.at ?? 0);
    } finally {
      await consumer.stop();
    }
  });

  it("names each member's partitions on every join, disjoint and complete, and none after stop", async () => {
    const topic = await fresh(4);
    const views = new Map<string, Array<Record<string, number[]>>>();
    const member = (name: string): BatchConsumer => {
      views.set(name, []);
      return createBatchConsumer(kafka, {
        groupId: topic,
        topics: [topic],
        log,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        handle: async ({ messages }) => ({ lastDurableOffset: messages[messages.length - 1]?.offset ?? null }),
        onAssignment: (a) => views.get(name)?.push(a),
      });
    };
    const last = (name: string): number[] => [...(views.get(name)?.at(-1)?.[topic] ?? [])];
    const a = member('a');
    const b = member('b');
    try {
      await a.start();
      await until('a owns every partition', () => (last('a').length === 4 ? true : undefined));
      expect(a.isHealthy()).toBe(true);
      await b.start();
      await until('a and b share the partitions', () =>
        last('a').length > 0 && last('b').length > 0 && last('a').length + last('b').length === 4 ? true : undefined,
      );
      expect([...last('a'), ...last('b')].sort()).toEqual([0, 1, 2, 3]);
      await b.stop();
      expect(views.get('b')?.at(-1)).toEqual({});
      expect(b.isHealthy()).toBe(false);
      await until('a owns every partition again', () => (last('a').length === 4 ? true : undefined));
    } finally {
      await b.stop().catch(() => undefined);
      await a.stop();
    }
  }, 120_000);

  it('commits only what the handler reports durable: the next member of the group starts after it', async () => {
    const topic = await fresh(1);
    await fill(kafka, topic, 1, 10);
    const [all = []] = await held(topic);
    const first = createBatchConsumer(kafka, {
      groupId: topic,
      topics: [topic],
      log,
      handle: async ({ messages }) => ({ lastDurableOffset: messages.find((m) => m.offset === '4')?.offset ?? null }),
    });
    await first.start();
    await until('offset 5 committed', async () => ((await committed(topic, topic)).get(0) === 5n ? true : undefined));
    await first.stop();
    const offsets: string[] = [];
    const second = createBatchConsumer(kafka, {
      groupId: topic,
      topics: [topic],
      log,
      handle: async ({ messages }) => {
        offsets.push(...messages.map((m) => m.offset));
        return { lastDurableOffset: messages[messages.length - 1]?.offset ?? null };
      },
    });
    try {
      await second.start();
      await until('the rest committed', async () => ((await committed(topic, topic)).get(0) === BigInt(all.length) ? true : undefined));
      expect(all.length).toBeGreaterThanOrEqual(10);
      expect(offsets).toEqual(all.slice(5));
    } finally {
      await second.stop();
    }
  });
});

describe('a group with a kafkajs member and a platformatic member (a rolling switch of KAFKA_CLIENT)', () => {
  it('shares the partitions between them, disjoint and complete, and each reads its own', async () => {
    const brokers = inject('kafkaBrokers').split(',');
    const js = createKafka({ client: 'kafkajs', brokers, clientId: 'mixed-js', log });
    const plt = createKafka({ client: 'platformatic', brokers, clientId: 'mixed-plt', log });
    const topic = `consumer-clients-mixed-${randomBytes(4).toString('hex')}`;
    await ensureTopics(js, [{ topic, numPartitions: 4 }], log);
    const views = new Map<KafkaClientName, Record<string, number[]>>();
    const read = new Map<KafkaClientName, Set<number>>([
      ['kafkajs', new Set()],
      ['platformatic', new Set()],
    ]);
    const member = (client: KafkaClientName, kafka: Kafka): BatchConsumer =>
      createBatchConsumer(kafka, {
        groupId: topic,
        topics: [topic],
        log,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        handle: async ({ partition, messages }) => {
          read.get(client)?.add(partition);
          return { lastDurableOffset: messages[messages.length - 1]?.offset ?? null };
        },
        onAssignment: (a) => views.set(client, a),
      });
    const a = member('kafkajs', js);
    const b = member('platformatic', plt);
    const owned = (c: KafkaClientName): number[] => [...(views.get(c)?.[topic] ?? [])];
    try {
      await a.start();
      await until('the kafkajs member owns every partition', () => (owned('kafkajs').length === 4 ? true : undefined));
      await b.start();
      await until('both members own partitions', () =>
        owned('kafkajs').length > 0 && owned('platformatic').length > 0 && owned('kafkajs').length + owned('platformatic').length === 4 ? true : undefined,
      );
      expect([...owned('kafkajs'), ...owned('platformatic')].sort()).toEqual([0, 1, 2, 3]);
      read.get('kafkajs')?.clear();
      await fill(js, topic, 4, 2);
      await until('every partition read', () => ((read.get('kafkajs')?.size ?? 0) + (read.get('platformatic')?.size ?? 0) === 4 ? true : undefined));
      expect([...(read.get('platformatic') ?? [])].sort()).toEqual(owned('platformatic').sort());
      expect([...(read.get('kafkajs') ?? [])].sort()).toEqual(owned('kafkajs').sort());
    } finally {
      await b.stop();
      await a.stop();
    }
  }, 120_000);
});
