import { z } from 'zod';

/** An empty variable (`BREVO_SENDER_NAME=`) means "not set", as it does for a shell. */
const unsetIfEmpty = (v: unknown): unknown => (v === '' ? undefined : v);

/** Brevo's settings, read from the environment by whoever builds the destination. */
export const BrevoSettingsSchema = z.object({
  /** Brevo's API origin; a fake's URL in tests and in the local fleet. */
  BREVO_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://api.brevo.com')
    .transform((u) => u.replace(/\/+$/, '')),
  /** A v3 API key (`xkeysib-…`); an SMTP key is refused by the API with 401 "Key not found". */
  BREVO_API_KEY: z.string().min(1),
  BREVO_SENDER_EMAIL: z.email(),
  BREVO_SENDER_NAME: z.preprocess(unsetIfEmpty, z.string().min(1).max(200).optional()),
  /** A template of Brevo's "New Template Language" used unless a rule names its own. */
  BREVO_TEMPLATE_ID: z.preprocess(unsetIfEmpty, z.coerce.number().int().positive().optional()),
});

export type BrevoSettings = z.output<typeof BrevoSettingsSchema>;
