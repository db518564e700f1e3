import type { Logger } from '@hookstream/observability';
import type { KafkaHandle } from './kafka-types.js';

/**
 * cp-kafka 8.1 is Apache Kafka 4.1, the line the local broker runs. @testcontainers/kafka 12.x
 * drives Confluent images only (it uses their /etc/confluent/docker/run); from 8.0 on it runs
 * them in KRaft mode, and withKraft() makes that explicit.
 */
export const KAFKA_IMAGE = 'confluentinc/cp-kafka:8.1.0';
/** The plaintext listener @testcontainers/kafka exposes to the host. */
const KAFKA_HOST_PORT = 9093;

export async function startKafkaContainer(opts: { log: Logger }): Promise<KafkaHandle> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  opts.log.info({ image: KAFKA_IMAGE }, 'starting Kafka container');
  const container = await new KafkaContainer(KAFKA_IMAGE)
    .withKraft()
    .withEnvironment({ KAFKA_NUM_PARTITIONS: '12', KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false', KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '12' })
    .start();
  return {
    brokers: [`${container.getHost()}:${container.getMappedPort(KAFKA_HOST_PORT)}`],
    source: 'testcontainers',
    async stop() {
      await container.stop();
    },
  };
}
