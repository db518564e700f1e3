import { z } from 'zod';
import { DatabaseTlsSchema, fields, KafkaSecuritySchema, parseEnv } from '@hookstream/config';
import { DeliverySettingsSchema } from '@hookstream/deliveries';

/**
 * A dispatcher replica: one member of the delivery consumer group, and a candidate for the
 * fan-out (one replica at a time reads the ledger and turns matching events into deliveries).
 */
export const DispatcherSchema = DeliverySettingsSchema.extend({
  LOG_LEVEL: fields.logLevel,
  /** The fleet's providers: those that declare deliveries of their own (the CRM's actions) get them kept in step. */
  PROVIDERS: fields.providerList,
  /** Health and metrics HTTP port; 0 disables it. */
  PORT: fields.port(9200),
  HOST: z.string().default('0.0.0.0'),
  KAFKA_BROKERS: fields.kafkaBrokers,
  KAFKA_CLIENT_ID: z.string().default('hookstream-dispatcher'),
  /** KAFKA_SSL*, KAFKA_SASL_* (@hookstream/config managed.ts). */
  ...KafkaSecuritySchema.shape,
  DELIVERIES_TOPIC: fields.topicName('hookstream.deliveries'),
  DISPATCHER_GROUP_ID: z.string().min(1).default('hookstream-dispatcher'),
  KAFKA_TOPIC_PARTITIONS: fields.positiveInt(12),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().positive().optional(),
  KAFKA_SESSION_TIMEOUT_MS: fields.positiveInt(30_000),
  DATABASE_URL: fields.mysqlUrl,
  DATABASE_POOL_SIZE: fields.positiveInt(10),
  /** DATABASE_SSL, DATABASE_SSL_*_FILE. */
  ...DatabaseTlsSchema.shape,
  /** Ledger rows the fan-out reads per round. */
  FANOUT_BATCH_SIZE: fields.positiveInt(500),
  /** Pause between fan-out rounds once it has caught up with the ledger. */
  FANOUT_IDLE_MS: fields.positiveInt(100),
  /** How often the endpoint list (and so enable/disable, rotation, manual retries) is re-read. */
  ENDPOINTS_REFRESH_MS: fields.positiveInt(1000),
  SHUTDOWN_TIMEOUT_MS: fields.positiveInt(25_000),
});

export type DispatcherConfig = Readonly<z.output<typeof DispatcherSchema>>;

export function loadDispatcherConfig(env: NodeJS.ProcessEnv = process.env): DispatcherConfig {
  return parseEnv(DispatcherSchema, env);
}
