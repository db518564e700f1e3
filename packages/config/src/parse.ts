import type { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Validates an environment against a schema once, at start-up, and freezes the result so it
 * can be passed around as a value. Only the first problem is reported: one clear line that
 * names the setting is what an operator needs to fix a deployment.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): Readonly<z.infer<S>> {
  // Empty strings mean "unset" for every setting: compose files and shells produce them.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const r = schema.safeParse(cleaned);
  if (!r.success) {
    const issue = r.error.issues[0];
    const name = issue?.path.join('.') || 'environment';
    throw new ConfigError(`${name}: ${issue?.message ?? 'invalid'}`);
  }
  return Object.freeze(r.data) as Readonly<z.infer<S>>;
}
