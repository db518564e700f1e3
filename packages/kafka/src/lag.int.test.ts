import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createLogger, createRegistry, type Gauge } from '@hookstream/observability';
import { createKafka, type KafkaClientName } from './client.js';
import { createBatchConsumer } from './consumer.js';
import { createProducer } from './producer.js';
import { openTopicAdmin } from './topic-admin.js';
import { ensureTopics } from './topics.js';

const log = createLogger({ name: 'test', level: 'silent' });
const suffix = Math.random().toString(36).slice(2, 8);
const CLIENTS: KafkaClientName[] = ['kafkajs', 'platformatic'];

async function lagSeries(registry: ReturnType<typeof createRegistry>): Promise<Record<string, number>> {
  const gauge = registry.getSingleMetric('hookstream_kafka_consumer_lag') as Gauge<string>;
  const { values } = await gauge.get();
  return Object.fromEntries(values.map((v) => [`${String(v.labels.topic)}/${String(v.labels.partition)}`, v.value]));
}

async function until<T>(probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 300));
  }
}

// The gauge reads the broker through openTopicAdmin, so KAFKA_CLIENT picks its admin client
// (the batch consumer is kafkajs with either setting; docs/kafka.md "Kafka clients").
describe.each(CLIENTS)('hookstream_kafka_consumer_lag (real broker, KAFKA_CLIENT=%s)', (client) => {
  const topic = `lag-test-${client}-${suffix}`;
  const groupId = `lag-test-group-${client}-${suffix}`;
  const kafka = createKafka({ client, brokers: inject('kafkaBrokers').split(','), clientId: `lag-${client}-${suffix}`, log });
  beforeAll(async () => {
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }], log);
  });
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const registry = createRegistry('test', false);
  const consumer = createBatchConsumer(kafka, {
    groupId,
    topics: [topic],
    log,
    registry,
    maxWaitTimeMs: 50,
    // Nothing is durable until the test opens the gate: the committed offsets stay put.
    handle: async (batch) => {
      await gate;
      return { lastDurableOffset: batch.messages[batch.messages.length - 1]?.offset ?? null };
    },
  });
  afterAll(async () => {
    release();
    await consumer.stop();
  });

  it('shows what is produced but not yet committed per owned partition, and 0 once it is', async () => {
    const producer = createProducer(kafka, log);
    await producer.connect();
    await producer.send(
      topic,
      Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(String(i)) })),
      10_000,
    );
    await producer.disconnect();
    await consumer.start();
    const stuck = await until(async () => {
      const s = await lagSeries(registry);
      return Object.keys(s).length === 3 ? s : undefined;
    });
    // What the topic holds: 30, or more when a retried write landed twice (the producer is not
    // idempotent; consumers dedupe by key). The lag is measured against what is there.
    const admin = await openTopicAdmin(kafka);
    const held = await admin.partitions(topic).finally(() => admin.close());
    const produced = Number(held.reduce((n, p) => n + p.high - p.low, 0n));
    expect(produced).toBeGreaterThanOrEqual(30);
    expect(Object.values(stuck).reduce((a, b) => a + b, 0)).toBe(produced);
    release();
    const done = await until(async () => {
      await new Promise((r) => setTimeout(r, 2_100)); // past the scrape cache
      const s = await lagSeries(registry);
      return Object.values(s).every((v) => v === 0) ? s : undefined;
    });
    expect(Object.keys(done).sort()).toEqual([`${topic}/0`, `${topic}/1`, `${topic}/2`]);
  });
});
