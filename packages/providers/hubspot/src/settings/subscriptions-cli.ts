import { z } from 'zod';
import { fields, parseEnv } from '@hookstream/config';
import type { ProviderEnv } from '@hookstream/pipeline';

/** `subscriptions:*` CLI commands: the developer app whose webhook subscriptions they manage. */
export const SubscriptionsCliSchema = z.object({
  /** The app's id (developer account → app → App ID); `--app-id` overrides it. */
  HUBSPOT_APP_ID: z.coerce.number({ error: 'must be the numeric app id' }).int().positive().optional(),
  HUBSPOT_DEVELOPER_API_KEY: z.string({ error: 'required (the developer account API key; the Webhooks API takes it as ?hapikey=)' }).min(1),
  HUBSPOT_API_BASE_URL: fields.httpUrl.default('https://api.hubapi.com'),
  /** Default target: PUBLIC_URL + /webhooks/hubspot. */
  PUBLIC_URL: fields.httpUrl.optional(),
});

export type SubscriptionsCliConfig = Readonly<z.infer<typeof SubscriptionsCliSchema>>;

export function loadSubscriptionsCliConfig(env: ProviderEnv = process.env): SubscriptionsCliConfig {
  return parseEnv(SubscriptionsCliSchema, env);
}
