import { z } from 'zod';
import { kafkaBrokers, logLevel, mysqlUrl, port, positiveInt, providerList } from './fields.js';
import { DatabaseTlsSchema, KafkaSecuritySchema } from './managed.js';
import { parseEnv } from './parse.js';

/**
 * What a processor replica itself needs, whichever providers it hosts: the consumers, the
 * database pool, the retry policy of failed events. Each provider's topics, consumer group
 * and own settings live in that provider (HubSpot's extend this schema).
 */
export const ProcessorSchema = z.object({
  LOG_LEVEL: logLevel,
  /** Providers the processor hosts (comma-separated); unset: hubspot. */
  PROVIDERS: providerList,
  /** Health and metrics HTTP port; 0 disables it. */
  PORT: port(9100),
  HOST: z.string().default('0.0.0.0'),
  KAFKA_BROKERS: kafkaBrokers,
  KAFKA_CLIENT_ID: z.string().default('hookstream-processor'),
  /** KAFKA_SSL*, KAFKA_SASL_* (managed.ts). */
  ...KafkaSecuritySchema.shape,
  KAFKA_TOPIC_PARTITIONS: positiveInt(12),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().positive().optional(),
  /**
   * Partitions one replica processes at the same time (kafkajs partitionsConsumedConcurrently).
   * 2 drained 12–15 % faster than 3 in interleaved bench runs, with less CPU per event on both
   * sides, while all inserts still took turns on one lock (docs/benchmarks.md, tuning log).
   */
  PROCESSOR_PARTITION_CONCURRENCY: positiveInt(2),
  /** Fetch sizing (see README "Benchmarks"): fewer, larger batches mean fewer database transactions. */
  KAFKA_FETCH_MIN_BYTES: positiveInt(1),
  KAFKA_FETCH_MAX_WAIT_MS: positiveInt(250),
  KAFKA_FETCH_MAX_BYTES_PER_PARTITION: positiveInt(1024 * 1024),
  /**
   * How long a silent member keeps its partitions. A replica killed without SIGTERM stalls its
   * partitions this long; batches heartbeat while they run, so lowering it is safe to ~10 s.
   */
  KAFKA_SESSION_TIMEOUT_MS: positiveInt(30_000),
  DATABASE_URL: mysqlUrl,
  DATABASE_POOL_SIZE: positiveInt(10),
  /** DATABASE_SSL, DATABASE_SSL_*_FILE (managed.ts). */
  ...DatabaseTlsSchema.shape,
  /** Processing attempts of one event whose row the database refuses unexpectedly, before it is dead-lettered. */
  PROCESSOR_MAX_ATTEMPTS: positiveInt(5),
  /** Delay before the n-th retry from the retry topic: base·2^(n-1), at most max. */
  PROCESSOR_RETRY_BASE_MS: positiveInt(30_000),
  PROCESSOR_RETRY_MAX_MS: positiveInt(600_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt(25_000),
});

export type ProcessorConfig = Readonly<z.infer<typeof ProcessorSchema>>;

export function loadProcessorConfig(env: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  return parseEnv(ProcessorSchema, env);
}
