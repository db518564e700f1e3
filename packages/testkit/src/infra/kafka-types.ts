/** Where a broker came from: KAFKA_BROKERS, a testcontainers container, or the local jars. */
export type InfraSource = 'env' | 'testcontainers' | 'local';

export interface KafkaHandle {
  /** host:port bootstrap addresses for kafkajs (`brokers`) or KAFKA_BROKERS (joined by commas). */
  readonly brokers: string[];
  readonly source: InfraSource;
  /** Stops what this process started; a no-op for env-provided or reused brokers. */
  stop(): Promise<void>;
}
