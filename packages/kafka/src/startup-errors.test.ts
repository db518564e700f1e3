import { createServer } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { describeStartupError } from '@hookstream/observability';

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
});
