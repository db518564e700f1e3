import { z } from 'zod';
import { boolFlag, httpUrl, kafkaBrokers, logLevel, port, positiveInt, providerList } from './fields.js';
import { KafkaSecuritySchema } from './managed.js';
import { parseEnv } from './parse.js';

/**
 * What the edge host itself needs, whichever providers it hosts. A provider's own settings
 * (HubSpot's secret, topic, OAuth…) live in that provider, which extends this schema, so they
 * are required only where the provider runs.
 */
export const EdgeSchema = z.object({
  PORT: port(8080),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: logLevel,
  KAFKA_BROKERS: kafkaBrokers,
  KAFKA_CLIENT_ID: z.string().default('hookstream-edge'),
  /** KAFKA_SSL*, KAFKA_SASL_* (managed.ts). */
  ...KafkaSecuritySchema.shape,
  /** Partitions of the providers' events topics when the edge has to create them. */
  KAFKA_TOPIC_PARTITIONS: positiveInt(12),
  /** Unset: min(3, brokers in the cluster). */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().positive().optional(),
  /** Providers the edge hosts (comma-separated); unset: hubspot, as before there were others. */
  PROVIDERS: providerList,
  /** Where generic, CRM and location sources are declared (YAML or JSON). */
  SOURCES_FILE: z.string().min(1).optional(),
  /** The URL senders call (e.g. an ngrok URL); HubSpot's v2/v3 signatures are checked against it. */
  PUBLIC_URL: httpUrl.optional(),
  /** Rebuild the public URL from X-Forwarded-Proto/Host (only behind a proxy you control). */
  TRUST_PROXY: boolFlag(false),
  EDGE_BODY_LIMIT_BYTES: positiveInt(2 * 1024 * 1024),
  /**
   * Largest Kafka message (key + envelope) the edge produces: the broker refuses bigger ones
   * (message.max.bytes, 1 MiB by default), so such an event gets 413 instead of endless 503s.
   */
  EDGE_MAX_MESSAGE_BYTES: positiveInt(1_000_000),
  /** HubSpot counts a reply slower than 5 s as failed; answer 503 before that. */
  EDGE_PRODUCE_TIMEOUT_MS: positiveInt(4000),
  /** Request bytes held at once (bodies being read plus writes Kafka has not settled); beyond it: 503 at once. */
  EDGE_MAX_INFLIGHT_BYTES: positiveInt(64 * 1024 * 1024),
  /** Whole request (headers and body) must arrive within this; slow clients get 408 and are disconnected. */
  EDGE_REQUEST_TIMEOUT_MS: positiveInt(15_000),
  EDGE_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  /** A socket with no traffic for this long is closed. */
  EDGE_CONNECTION_TIMEOUT_MS: positiveInt(30_000),
  EDGE_KEEPALIVE_TIMEOUT_MS: positiveInt(65_000),
  /** Larger request headers get 431. */
  EDGE_MAX_HEADER_BYTES: positiveInt(16 * 1024),
  SHUTDOWN_TIMEOUT_MS: positiveInt(20_000),
});

export type EdgeConfig = Readonly<z.infer<typeof EdgeSchema>>;

export function loadEdgeConfig(env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  return parseEnv(EdgeSchema, env);
}
