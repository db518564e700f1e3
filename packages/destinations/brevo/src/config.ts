import { AppError, type FieldError } from '@hookstream/core';
import { z } from 'zod';

/** An endpoint's `destination` for Brevo: what one rule's e-mail looks like. */
export const BrevoDestinationConfigSchema = z
  .object({
    /** Overrides BREVO_TEMPLATE_ID for this rule. */
    templateId: z.number().int().positive().optional(),
    /** Subject of the built-in HTML e-mail (a template carries its own). */
    subject: z.string().min(1).max(255).optional(),
  })
  .strict();

export type BrevoDestinationConfig = z.output<typeof BrevoDestinationConfigSchema>;

/** Reads an endpoint's `destination`; null (no settings) is the built-in e-mail or BREVO_TEMPLATE_ID. */
export function parseBrevoConfig(config: unknown): BrevoDestinationConfig {
  const parsed = BrevoDestinationConfigSchema.safeParse(config ?? {});
  if (parsed.success) return parsed.data;
  const errors: FieldError[] = parsed.error.issues.map((i) => ({ path: pointer(i.path), message: i.message }));
  const detail = errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ');
  throw new AppError('invalid_destination', 422, `Brevo destination settings are invalid: ${detail}`, { errors });
}

/** RFC 6901 pointer, as FieldError paths are everywhere else. */
const pointer = (path: readonly PropertyKey[]): string => path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
