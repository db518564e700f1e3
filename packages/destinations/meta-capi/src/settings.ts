import { z } from 'zod';

// An env var set to "" means "not set": a blank test code or app secret must not be sent.
const optional = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

/**
 * Settings of the Meta Conversions API destination, parsed from the environment by whoever
 * builds the destination. The version is configuration, not the SDK's hard-coded one: Graph
 * versions expire and the SDK lags behind (providers.md §1).
 */
export const MetaSettingsSchema = z.object({
  META_GRAPH_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://graph.facebook.com')
    .transform((u) => u.replace(/\/+$/, '')),
  META_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v26.0')
    .default('v26.0'),
  // A path segment of the request URL: restricted so a setting can never change the path.
  META_PIXEL_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a pixel (dataset) id'),
  META_ACCESS_TOKEN: z.string().min(1, 'is required'),
  /** Sends the events to Events Manager's Test Events tab only. */
  META_TEST_EVENT_CODE: optional,
  /** When set, every request carries appsecret_proof = hex(HMAC-SHA256(app secret, token)). */
  META_APP_SECRET: optional,
});

export type MetaSettings = z.output<typeof MetaSettingsSchema>;
