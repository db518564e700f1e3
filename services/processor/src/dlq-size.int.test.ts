import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKafka, createProducer, ensureTopics, openTopicAdmin } from '@hookstream/kafka';
import { createLogger, createRegistry, type Registry } from '@hookstream/observability';
import { dlqSizeGauge } from './dlq-size.js';

const log = createLogger({ name: 'test', level: 'silent' });
const suffix = Math.random().toString(36).slice(2, 8);
const kafka = createKafka({ brokers: inject('kafkaBrokers').split(','), clientId: `dlq-size-${suffix}`, log });
const [a, b] = [`a.events.dlq-${suffix}`, `b.events.dlq-${suffix}`] as const;

/** The gauge's lines of the page GET /metrics answers: topic → messages. */
async function sizes(registry: Registry): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await registry.metrics()).matchAll(/^hookstream_kafka_dlq_messages\{topic="([^"]+)"[^}]*\} (\d+)$/gm)) out[m[1] as string] = Number(m[2]);
  return out;
}

async function produce(topic: string, n: number): Promise<void> {
  const producer = createProducer(kafka, log);
  await producer.connect();
  // Keys spread the messages over the partitions: the size is their sum, not one partition's.
  await producer.send(
    topic,
    Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: Buffer.from(String(i)) })),
    10_000,
  );
  await producer.disconnect();
}

/**
 * What the broker says each topic holds, read with an admin of the test's own. A producer
 * retry can write a message twice, so this, not the count sent, is what the gauge must say.
 * A topic just created may still answer "not the leader" for a moment: read until it answers.
 */
async function retained(): Promise<Record<string, number>> {
  for (;;) {
    const admin = await openTopicAdmin(kafka);
    try {
      const out: Record<string, number> = {};
      for (const t of [a, b]) out[t] = (await admin.partitions(t)).reduce((n, p) => n + Number(p.high - p.low), 0);
      return out;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await admin.close();
    }
  }
}

describe('hookstream_kafka_dlq_messages (real broker)', () => {
  const registry = createRegistry('processor', false);
  let gauge: ReturnType<typeof dlqSizeGauge> | undefined;
  let held: Record<string, number> = {};
  beforeAll(async () => {
    await ensureTopics(
      kafka,
      [a, b].map((topic) => ({ topic, numPartitions: 3 })),
      log,
    );
    await produce(a, 7);
    held = await retained();
    gauge = dlqSizeGauge(kafka, registry, [a, b], log);
  });
  afterAll(() => gauge?.close());

  it('is what each dead-letter topic holds over all its partitions, read at scrape time; gone once closed', async () => {
    expect(held[a]).toBeGreaterThanOrEqual(7);
    expect(await sizes(registry)).toEqual({ [a]: held[a], [b]: 0 });
    await produce(b, 2);
    const after = await retained();
    expect(after[b]).toBeGreaterThanOrEqual(2);
    // Past the 2 s cache: the next scrape asks the broker again.
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await sizes(registry)).toEqual(after);
    await gauge?.close();
    expect(await sizes(registry)).toEqual({});
  });
});
