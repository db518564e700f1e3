import { z } from 'zod';
import { fields, parseEnv, ProcessorSchema } from '@hookstream/config';
import type { ProviderEnv } from '@hookstream/pipeline';
import { previousEncryptionKeys, requireForOAuth, tokenEncryptionKey } from './oauth.js';
import { DEFAULT_HUBSPOT_DLQ_TOPIC, DEFAULT_HUBSPOT_TOPIC } from './topics.js';

/** Properties read for each object type when no HUBSPOT_ENRICH_PROPERTIES is given. */
export const DEFAULT_ENRICH_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  contact: [
    'email',
    'firstname',
    'lastname',
    'phone',
    'lifecyclestage',
    'utm_source',
    'utm_medium',
    'utm_campaign',
    'hs_object_id',
    'createdate',
    'lastmodifieddate',
  ],
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
    for (const part of s
      .split(';')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const m = /^([a-z_]+|\d+-\d+)=([A-Za-z0-9_,\s]+)$/.exec(part);
      if (!m || !m[1] || !m[2]) {
        ctx.addIssue({ code: 'custom', message: `expected "type=prop1,prop2;type2=..." but got "${part}"` });
        return z.NEVER;
      }
      out[m[1]] = m[2]
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
    }
    return out;
  });

/** A processor replica's settings where HubSpot runs: the host's own plus HubSpot's topics, group and enrichment. */
export const HubSpotProcessorSchema = ProcessorSchema.extend({
  KAFKA_TOPIC: fields.topicName(DEFAULT_HUBSPOT_TOPIC),
  KAFKA_DLQ_TOPIC: fields.topicName(DEFAULT_HUBSPOT_DLQ_TOPIC),
  /** Unset: `<KAFKA_TOPIC>.retry`, so every events topic gets its own retry topic. */
  KAFKA_RETRY_TOPIC: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,249}$/, { error: 'must be a valid Kafka topic name' })
    .optional(),
  KAFKA_GROUP_ID: z.string().min(1).default('hookstream-processor'),
  HUBSPOT_API_BASE_URL: fields.httpUrl.default('https://api.hubapi.com'),
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
  ENRICH_CACHE_MAX_OBJECTS: fields.positiveInt(20_000),
  /** During a burst, a not-yet-full (100-id) read waits this long after the last new id for more. 0 = read per batch. */
  ENRICH_BATCH_LINGER_MS: z.coerce.number({ error: 'must be a non-negative integer' }).int().min(0).default(1_000),
  HUBSPOT_ENRICH: fields.boolFlag(true),
  HUBSPOT_ENRICH_PROPERTIES: enrichProperties,
  /** HubSpot allows 100 (public apps) to 190 (private apps, Pro/Enterprise) requests per 10 s. */
  HUBSPOT_MAX_REQUESTS_PER_10S: fields.positiveInt(100),
  /** How long one Kafka batch may wait on HubSpot before its events are stored as pending. */
  ENRICH_INLINE_BUDGET_MS: fields.positiveInt(5_000),
  ENRICH_RETRY_BASE_MS: fields.positiveInt(15_000),
  ENRICH_RETRY_MAX_MS: fields.positiveInt(3_600_000),
  ENRICH_SWEEP_INTERVAL_MS: fields.positiveInt(5_000),
}).superRefine(
  requireForOAuth([
    { key: 'HUBSPOT_CLIENT_SECRET', why: 'refreshing OAuth tokens' },
    { key: 'TOKEN_ENCRYPTION_KEY', why: 'opening stored OAuth tokens' },
  ]),
);

export type HubSpotProcessorConfig = Readonly<z.infer<typeof HubSpotProcessorSchema>>;

export function loadHubSpotProcessorConfig(env: ProviderEnv = process.env): HubSpotProcessorConfig {
  return parseEnv(HubSpotProcessorSchema, env);
}
