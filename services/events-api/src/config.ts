import { z } from 'zod';
import { fields } from '@hookstream/config';
import { parseTokenEntries, unhostedProvider } from './scope.js';

/** A setting is missing or malformed. The message is one line naming the setting(s); never a value. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const Schema = z.object({
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a port number')
    .min(1, 'must be a port number')
    .max(65535, 'must be a port number')
    .default(8081),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  DATABASE_URL: z.string({ error: 'required (mysql://user:pass@host:port/db)' }).refine(isMysqlUrl, 'must be a mysql://user:pass@host:port/db URL'),
  /** Providers whose read routes and JSON events-api serves (comma-separated); unset: hubspot. */
  PROVIDERS: fields.providerList,
  EVENTS_API_TOKENS: z
    .string({ error: 'required (comma-separated bearer tokens)' })
    .transform((s) =>
      s
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
    )
    .superRefine((entries, ctx) => {
      const r = parseTokenEntries(entries);
      if ('problem' in r) ctx.addIssue({ code: 'custom', message: r.problem });
    }),
});

export type EventsApiConfig = Readonly<z.infer<typeof Schema>>;

/** Validates the environment once at start-up; empty strings count as unset. */
export function loadEventsApiConfig(env: Record<string, string | undefined> = process.env): EventsApiConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = Schema.safeParse(present);
  if (!r.success) {
    const seen = new Set<string>();
    const parts: string[] = [];
    for (const issue of r.error.issues) {
      const name = String(issue.path[0] ?? 'config');
      if (seen.has(name)) continue;
      seen.add(name);
      parts.push(`${name}: ${issue.message}`);
    }
    throw new ConfigError(parts.join('; '));
  }
  // Checked once both settings parsed: a scope naming a provider not served here is a typo.
  const tokens = parseTokenEntries(r.data.EVENTS_API_TOKENS);
  const unhosted = 'entries' in tokens ? unhostedProvider(tokens.entries, r.data.PROVIDERS) : undefined;
  if (unhosted) throw new ConfigError(`EVENTS_API_TOKENS: ${unhosted}`);
  return Object.freeze(r.data);
}

function isMysqlUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'mysql:' && u.hostname.length > 0 && u.pathname.length > 1;
  } catch {
    return false;
  }
}
