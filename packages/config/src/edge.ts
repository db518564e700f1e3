import { z } from 'zod';
import { boolFlag, httpUrl, kafkaBrokers, logLevel, mysqlUrl, port, positiveInt, providerList, topicName } from './fields.js';
import { parseEnv } from './parse.js';
import { DEFAULT_OAUTH_SCOPES, requireForOAuth, scopeList, tokenEncryptionKey } from './oauth.js';

export const EdgeSchema = z.object({
  PORT: port(8080),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: logLevel,
  KAFKA_BROKERS: kafkaBrokers,
  KAFKA_CLIENT_ID: z.string().default('hookstream-edge'),
  KAFKA_TOPIC: topicName('hubspot.events'),
  /** Partitions of the events topic when the edge has to create it. */
  KAFKA_TOPIC_PARTITIONS: positiveInt(12),
  /** Unset: min(3, brokers in the cluster). */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().positive().optional(),
  /** Required by the HubSpot provider (it signs HubSpot's webhooks); see its settings. */
  HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
  /** Providers the edge hosts (comma-separated); unset: hubspot, as before there were others. */
  PROVIDERS: providerList,
  /** Where generic, CRM and location sources are declared (YAML or JSON). */
  SOURCES_FILE: z.string().min(1).optional(),
  /** The URL HubSpot calls (e.g. an ngrok URL); needed for v2/v3 signatures. */
  PUBLIC_URL: httpUrl.optional(),
  /** Rebuild the public URL from X-Forwarded-Proto/Host (only behind a proxy you control). */
  TRUST_PROXY: boolFlag(false),
  /** A HubSpot delivery is at most 100 events; the margin avoids refusing (and so losing) a larger one. */
  EDGE_MAX_EVENTS: positiveInt(1000),
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
  /** OAuth install flow (GET /oauth/install, /oauth/callback); off unless HUBSPOT_CLIENT_ID is set. */
  HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
  /** Only the OAuth routes use the database (to store installed portals' tokens); webhooks never do. */
  DATABASE_URL: mysqlUrl.optional(),
  DATABASE_POOL_SIZE: positiveInt(2),
  TOKEN_ENCRYPTION_KEY: tokenEncryptionKey.optional(),
  /** Unset: PUBLIC_URL + /oauth/callback. Must be one of the app's redirect URLs in HubSpot. */
  HUBSPOT_OAUTH_REDIRECT_URL: httpUrl.optional(),
  HUBSPOT_OAUTH_SCOPES: scopeList(DEFAULT_OAUTH_SCOPES),
  HUBSPOT_OAUTH_OPTIONAL_SCOPES: scopeList(''),
  HUBSPOT_OAUTH_AUTHORIZE_URL: httpUrl.default('https://app.hubspot.com/oauth/authorize'),
  HUBSPOT_API_BASE_URL: httpUrl.default('https://api.hubapi.com'),
}).superRefine(requireForOAuth([
  { key: 'DATABASE_URL', why: 'installed portals are stored there' },
  { key: 'TOKEN_ENCRYPTION_KEY', why: 'tokens are stored encrypted' },
  { key: 'HUBSPOT_OAUTH_REDIRECT_URL', why: 'or PUBLIC_URL: where HubSpot sends the user back', present: (v) => v.HUBSPOT_OAUTH_REDIRECT_URL !== undefined || v.PUBLIC_URL !== undefined },
]));

export type EdgeConfig = Readonly<z.infer<typeof EdgeSchema>>;

export function loadEdgeConfig(env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  return parseEnv(EdgeSchema, env);
}
