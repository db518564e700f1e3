import { AppError } from '@hookstream/core';
import { z } from 'zod';

/**
 * An endpoint's `destination` settings for Meta: which event a rule sends, and whether it
 * carries the deal's value. Strict, so a misspelt key (`withvalue`) is refused when the
 * endpoint is created instead of silently sending events without a value.
 */
export const MetaDestinationConfigSchema = z
  .object({
    /** A standard event ("Lead", "Purchase") or a custom name. */
    eventName: z.string().trim().min(1).max(100),
    /** Send custom_data.value / currency from dealDetails.dealValue / currency. */
    withValue: z.boolean().optional(),
  })
  .strict();

export type MetaDestinationConfig = z.output<typeof MetaDestinationConfigSchema>;

/** Parses an endpoint's destination settings; AppError `invalid_destination` (422) listing each failure. */
export function parseMetaConfig(config: unknown): MetaDestinationConfig {
  const parsed = MetaDestinationConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({ path: `/${i.path.map(String).join('/')}`, message: i.message }));
  const summary = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  throw new AppError('invalid_destination', 422, `invalid Meta destination settings: ${summary}`, { errors });
}
