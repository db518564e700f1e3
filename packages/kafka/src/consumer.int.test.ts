import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createLogger } from '@hookstream/observability';
import { createKafka, type KafkaClientName } from './client.js';
import { createBatchConsumer } from './consumer.js';
import { createProducer } from './producer.js';
import { ensureTopics } from './topics.js';

const log = createLogger({ name: 'consumer-int', level: 'silent' });

const CLIENTS: KafkaClientName[] = ['kafkajs', 'platformatic'];

describe.each(CLIENTS)('batch consumer (KAFKA_CLIENT=%s)', (client) => {
  it('keeps its group membership through a batch longer than the session timeout, then commits', async () => {
    const kafka = createKafka({ client, brokers: inject('kafkaBrokers').split(','), clientId: 'consumer-int', log });
    const topic = `consumer-int-${client}-${randomBytes(4).toString('hex')}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }], log);
    const producer = createProducer(kafka, log);
    await producer.connect();
    await producer.send(topic, [{ key: 'k', value: Buffer.from('slow') }], 10_000);
    await producer.disconnect();

    const sessionTimeoutMs = 6_000; // the broker's minimum (group.min.session.timeout.ms)
    let joins = 0;
    let handled = 0;
    const consumer = createBatchConsumer(kafka, {
      groupId: topic,
      topics: [topic],
      log,
      sessionTimeoutMs,
      heartbeatIntervalMs: 1_000,
      // A batch that waits 2.5 session timeouts, like one stuck on a database outage.
      handle: async ({ messages }) => {
        await new Promise((r) => setTimeout(r, sessionTimeoutMs * 2.5));
        handled += messages.length;
        return { lastDurableOffset: messages[messages.length - 1]?.offset ?? null };
      },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await consumer.start();
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [offsets] = await admin.fetchOffsets({ groupId: topic, topics: [topic] });
        if (offsets?.partitions[0]?.offset === '1') break;
        if (Date.now() > deadline) throw new Error('offset was never committed');
        await new Promise((r) => setTimeout(r, 250));
      }
      const { groups } = await admin.describeGroups([topic]);
      joins = groups[0]?.members.length ?? 0;
      expect(handled).toBe(1);
      // Still the only member, never evicted: an evicted member's commit would have failed.
      expect(joins).toBe(1);
      expect(consumer.isHealthy()).toBe(true);
    } finally {
      await consumer.stop();
      await admin.disconnect();
    }
  }, 90_000);
});
