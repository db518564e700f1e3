import { z } from 'zod';
import { boolFlag, httpUrl, kafkaBrokers, logLevel, mysqlUrl, port, positiveInt, providerList, topicName } from './fields.js';
import { parseEnv } from './parse.js';
import { previousEncryptionKeys, requireForOAuth, tokenEncryptionKey } from './oauth.js';

/** Properties read for each object type when no HUBSPOT_ENRICH_PROPERTIES is given. */
export const DEFAULT_ENRICH_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  contact: ['email', 'firstname', 'lastname', 'phone', 'lifecyclestage', 'utm_source', 'utm_medium', 'utm_campaign', 'hs_object_id', 'createdate', 'lastmodifieddate'],
  company: ['name', 'domain', 'industry', 'lifecyclestage', 'hs_object_id', 'createdate', 'hs_lastmodifieddate'],
  deal: ['dealname', 'amount', 'dealstage', 'pipeline', 'closedate', 'hs_object_id', 'createdate', 'hs_lastmodifieddate'],
  ticket: ['subject', 'content', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_priority', 'hs_object_id', 'createdate', 'hs_lastmodifieddate'],
  product: ['name', 'price', 'hs_sku', 'hs_object_id', 'createdate', 'hs_lastmodifieddate'],
  line_item: ['name', 'quantity', 'price', 'amount', 'hs_product_id', 'hs_object_id', 'createdate', 'hs_lastmodifieddate'],
};

/** "contact=email,firstname;deal=dealname" → { contact: [...], deal: [...] }, merged over the defaults. */
const enrichProperties = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const out: Record<string, readonly string[]> = { ...DEFAULT_ENRICH_PROPERTIES };
    if (!s) return out;
    for (const part of s.split(';').map((p) => p.trim()).filter(Boolean)) {
      const m = /^([a-z_]+|\d+-\d+)=([A-Za-z0-9_,\s]+)$/.exec(part);
      if (!m || !m[1] || !m[2]) {
        ctx.addIssue({ code: 'custom', message: `expected "type=prop1,prop2;type2=..." but got "${part}"` });
        return z.NEVER;
      }
      out[m[1]] = m[2].split(',').map((p) => p.trim()).filter(Boolean);
    }
    return out;
  });

export const ProcessorSchema = z.object({
  LOG_LEVEL: logLevel,
  /** Providers the processor hosts (comma-separated); unset: hubspot. */
  PROVIDERS: providerList,
  /** Health and metrics HTTP port; 0 disables it. */
  PORT: port(9100),
  HOST: z.string().default('0.0.0.0'),
  KAFKA_BROKERS: kafkaBrokers,
  KAFKA_CLIENT_ID: z.string().default('hookstream-processor'),
  KAFKA_TOPIC: topicName('hubspot.events'),
  KAFKA_DLQ_TOPIC: topicName('hubspot.events.dlq'),
  /** Unset: `<KAFKA_TOPIC>.retry`, so every events topic gets its own retry topic. */
  KAFKA_RETRY_TOPIC: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, { error: 'must be a valid Kafka topic name' }).optional(),
  KAFKA_GROUP_ID: z.string().min(1).default('hookstream-processor'),
  KAFKA_TOPIC_PARTITIONS: positiveInt(12),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().positive().optional(),
  /** Partitions one replica processes at the same time (kafkajs partitionsConsumedConcurrently). */
  PROCESSOR_PARTITION_CONCURRENCY: positiveInt(3),
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
  HUBSPOT_API_BASE_URL: httpUrl.default('https://api.hubapi.com'),
  /** Private-app or static token used for every portal; unset = events stored unenriched ("skipped"). */
  HUBSPOT_ACCESS_TOKEN: z.string().min(1).optional(),
  /** The portal HUBSPOT_ACCESS_TOKEN belongs to (private app); unset = it serves every portal without an OAuth install. */
  HUBSPOT_PORTAL_ID: z.coerce.number({ error: 'must be a HubSpot portal id' }).int().positive().optional(),
  /** OAuth app: portals that installed it are enriched with their own (refreshed) tokens. */
  HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
  HUBSPOT_CLIENT_SECRET: z.string().min(1).optional(),
  TOKEN_ENCRYPTION_KEY: tokenEncryptionKey.optional(),
  TOKEN_ENCRYPTION_PREVIOUS_KEYS: previousEncryptionKeys,
  /** Per-replica snapshot cache: a read serves later events of the same object this long. 0 = off. */
  ENRICH_CACHE_TTL_MS: z.coerce.number({ error: 'must be a non-negative integer' }).int().min(0).default(5_000),
  ENRICH_CACHE_MAX_OBJECTS: positiveInt(20_000),
  /** During a burst, a not-yet-full (100-id) read waits this long after the last new id for more. 0 = read per batch. */
  ENRICH_BATCH_LINGER_MS: z.coerce.number({ error: 'must be a non-negative integer' }).int().min(0).default(1_000),
  HUBSPOT_ENRICH: boolFlag(true),
  HUBSPOT_ENRICH_PROPERTIES: enrichProperties,
  /** HubSpot allows 100 (public apps) to 190 (private apps, Pro/Enterprise) requests per 10 s. */
  HUBSPOT_MAX_REQUESTS_PER_10S: positiveInt(100),
  /** How long one Kafka batch may wait on HubSpot before its events are stored as pending. */
  ENRICH_INLINE_BUDGET_MS: positiveInt(5_000),
  ENRICH_RETRY_BASE_MS: positiveInt(15_000),
  ENRICH_RETRY_MAX_MS: positiveInt(3_600_000),
  ENRICH_SWEEP_INTERVAL_MS: positiveInt(5_000),
  /** Processing attempts of one event whose row the database refuses unexpectedly, before it is dead-lettered. */
  PROCESSOR_MAX_ATTEMPTS: positiveInt(5),
  /** Delay before the n-th retry from the retry topic: base·2^(n-1), at most max. */
  PROCESSOR_RETRY_BASE_MS: positiveInt(30_000),
  PROCESSOR_RETRY_MAX_MS: positiveInt(600_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt(25_000),
}).superRefine(requireForOAuth([
  { key: 'HUBSPOT_CLIENT_SECRET', why: 'refreshing OAuth tokens' },
  { key: 'TOKEN_ENCRYPTION_KEY', why: 'opening stored OAuth tokens' },
]));

export type ProcessorConfig = Readonly<z.infer<typeof ProcessorSchema>>;

export function loadProcessorConfig(env: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  return parseEnv(ProcessorSchema, env);
}
