import { createServer } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger, describeStartupError } from '@hookstream/observability';
import { createKafka } from './client.js';
import { createProducer } from './producer.js';
import { openTopicAdmin } from './topic-admin.js';

async function freePort(): Promise<number> {
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

describe('a broker nobody runs', () => {
  it('is one line naming KAFKA_BROKERS, from the real kafkajs error', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const kafka = new Kafka({ clientId: 'startup-test', brokers: [`127.0.0.1:${port}`], retry: { retries: 0 }, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const err = await admin.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeDefined();
    expect(describeStartupError(err)).toBe(
      `KAFKA_BROKERS: no Kafka broker could be reached (ECONNREFUSED 127.0.0.1:${port}); check the addresses and that the brokers run`,
    );
  });

  it('is the same line from @platformatic/kafka (KAFKA_CLIENT=platformatic), for the admin and the producer', async () => {
    const port = await freePort();
    const kafka = createKafka({
      client: 'platformatic',
      brokers: [`127.0.0.1:${port}`],
      clientId: 'startup-test',
      log: createLogger({ name: 't', level: 'silent' }),
      retries: 0,
    });
    const line = `KAFKA_BROKERS: no Kafka broker could be reached (ECONNREFUSED 127.0.0.1:${port}); check the addresses and that the brokers run`;
    const adminErr = await openTopicAdmin(kafka).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(describeStartupError(adminErr)).toBe(line);
    const producer = createProducer(kafka, createLogger({ name: 't', level: 'silent' }));
    const producerErr = await producer.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(describeStartupError(producerErr)).toBe(line);
    await producer.disconnect();
  });
});
