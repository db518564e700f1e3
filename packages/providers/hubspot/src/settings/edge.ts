import { z } from 'zod';
import { DatabaseTlsSchema, EdgeSchema, fields, parseEnv } from '@hookstream/config';
import type { ProviderEnv } from '@hookstream/pipeline';
import { DEFAULT_OAUTH_SCOPES, requireForOAuth, scopeList, tokenEncryptionKey } from './oauth.js';
import { DEFAULT_HUBSPOT_TOPIC } from './topics.js';

/** The edge's settings where HubSpot runs: the host's own plus HubSpot's. */
export const HubSpotEdgeSchema = EdgeSchema.extend({
  KAFKA_TOPIC: fields.topicName(DEFAULT_HUBSPOT_TOPIC),
  /** Signs every HubSpot webhook, so an edge hosting HubSpot cannot run without it. */
  HUBSPOT_CLIENT_SECRET: z.string({ error: 'required (the app client secret that signs HubSpot webhooks)' }).min(1),
  /** A HubSpot delivery is at most 100 events; the margin avoids refusing (and so losing) a larger one. */
  EDGE_MAX_EVENTS: fields.positiveInt(1000),
  /** OAuth install flow (GET /oauth/install, /oauth/callback); off unless HUBSPOT_CLIENT_ID is set. */
  HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
  /** Only the OAuth routes use the database (to store installed portals' tokens); webhooks never do. */
  DATABASE_URL: fields.mysqlUrl.optional(),
  DATABASE_POOL_SIZE: fields.positiveInt(2),
  /** The OAuth pool reaches the same (possibly TLS-only, managed) database as the processors. */
  ...DatabaseTlsSchema.shape,
  TOKEN_ENCRYPTION_KEY: tokenEncryptionKey.optional(),
  /** Unset: PUBLIC_URL + /oauth/callback. Must be one of the app's redirect URLs in HubSpot. */
  HUBSPOT_OAUTH_REDIRECT_URL: fields.httpUrl.optional(),
  HUBSPOT_OAUTH_SCOPES: scopeList(DEFAULT_OAUTH_SCOPES),
  HUBSPOT_OAUTH_OPTIONAL_SCOPES: scopeList(''),
  HUBSPOT_OAUTH_AUTHORIZE_URL: fields.httpUrl.default('https://app.hubspot.com/oauth/authorize'),
  HUBSPOT_API_BASE_URL: fields.httpUrl.default('https://api.hubapi.com'),
}).superRefine(
  requireForOAuth([
    { key: 'DATABASE_URL', why: 'installed portals are stored there' },
    { key: 'TOKEN_ENCRYPTION_KEY', why: 'tokens are stored encrypted' },
    {
      key: 'HUBSPOT_OAUTH_REDIRECT_URL',
      why: 'or PUBLIC_URL: where HubSpot sends the user back',
      present: (v) => v.HUBSPOT_OAUTH_REDIRECT_URL !== undefined || v.PUBLIC_URL !== undefined,
    },
  ]),
);

export type HubSpotEdgeConfig = Readonly<z.infer<typeof HubSpotEdgeSchema>>;

export function loadHubSpotEdgeConfig(env: ProviderEnv = process.env): HubSpotEdgeConfig {
  return parseEnv(HubSpotEdgeSchema, env);
}
