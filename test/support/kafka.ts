import { KafkaSecuritySchema, parseEnv } from '@hookstream/config';
import { createKafka, type Kafka, type KafkaClientOptions } from '@hookstream/kafka';

/**
 * The Kafka handle of a test's in-process services and probes, on the client library the run
 * asks for: `KAFKA_CLIENT=platformatic npm test` runs the suite on @platformatic/kafka (the
 * services a test spawns get the same setting through startService), the default on kafkajs.
 */
export function testKafka(opts: Omit<KafkaClientOptions, 'client'>): Kafka {
  const { KAFKA_CLIENT } = parseEnv(KafkaSecuritySchema, { KAFKA_CLIENT: process.env.KAFKA_CLIENT });
  return createKafka({ ...opts, client: KAFKA_CLIENT });
}
