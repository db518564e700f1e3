import { KafkaSecuritySchema, parseEnv } from '@hookstream/config';
import { createKafka, type Kafka, type KafkaClientOptions } from '@hookstream/kafka';

/**
 * The Kafka handle of a test's in-process services and probes, on the client library the run
 * asks for: `KAFKA_CLIENT=platformatic npm test` runs the suite on @platformatic/kafka (the
 * services a test spawns get the same setting through startService), the default on it too;
 * `KAFKA_CLIENT=kafkajs npm test` runs it on kafkajs.
 */
export function testKafka(opts: Omit<KafkaClientOptions, 'client'>): Kafka {
  return createKafka({ ...opts, client: testKafkaClient() });
}

/** The client library this run's services use: KAFKA_CLIENT, else the settings' default. */
export function testKafkaClient(): NonNullable<KafkaClientOptions['client']> {
  return parseEnv(KafkaSecuritySchema, { KAFKA_CLIENT: process.env.KAFKA_CLIENT }).KAFKA_CLIENT;
}
