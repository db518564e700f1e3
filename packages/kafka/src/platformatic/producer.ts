import { ProduceAcks, Producer } from '@platformatic/kafka';
import type { Logger } from '@hookstream/observability';
import type { Kafka } from '../client.js';
import type { DriverMessage, ProducerDriver } from '../producer.js';
import { javaCompatiblePartitioner } from '../murmur2.js';
import { baseOptions } from './base.js';
import { watchBrokers } from './events.js';

/**
 * createProducer's writes through @platformatic/kafka, with the kafkajs producer's semantics:
 * acks=all, not idempotent (a retried write may land twice; consumers dedupe by key), and the
 * Java murmur2 placement. Its default partitioner is `murmur2 >>> 0`, which puts a key whose
 * hash is negative on another partition than Java and kafkajs do; its compatibilityPartitioner
 * is `murmur2 & 0x7fffffff`, then `% partitions` like theirs (partition.int.test.ts checks it).
 * javaCompatiblePartitioner gives the same answers without the library's BigInt arithmetic.
 */
export function platformaticProducerDriver(kafka: Kafka, log: Logger): ProducerDriver {
  const producer = new Producer({
    ...baseOptions(kafka, { retries: 3, initialMs: 100, maxMs: 1000 }),
    acks: ProduceAcks.ALL,
    idempotent: false,
    partitioner: javaCompatiblePartitioner,
  });
  watchBrokers(producer, log);
  return {
    async connect() {
      // The client connects lazily; asking a bootstrap broker its API versions proves it is reachable now.
      await producer.listApis();
    },
    async write(topic, messages) {
      // acks again per send: Producer.send defaults a non-idempotent send to acks=1 (leader only)
      // whatever the constructor was given (2.12.1), and a leader that dies before its followers
      // copy the write takes acknowledged events with it.
      await producer.send({ messages: messages.map((m) => toRecord(topic, m)), acks: ProduceAcks.ALL });
    },
    disconnect: () => producer.close(),
  };
}

function toRecord(topic: string, m: DriverMessage): { topic: string; key: Buffer; value: Buffer; headers?: Map<Buffer, Buffer> } {
  const key = Buffer.from(m.key, 'utf8');
  if (!m.headers) return { topic, key, value: m.value };
  const headers = new Map<Buffer, Buffer>();
  for (const [k, v] of Object.entries(m.headers)) headers.set(Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8'));
  return { topic, key, value: m.value, headers };
}
