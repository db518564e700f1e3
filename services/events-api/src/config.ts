import { z } from 'zod';

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
  PORT: z.coerce.number({ error: 'must be a port number' }).int('must be a port number').min(1, 'must be a port number').max(65535, 'must be a port number').default(8081),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  DATABASE_URL: z
    .string({ error: 'required (mysql://user:pass@host:port/db)' })
    .refine(isMysqlUrl, 'must be a mysql://user:pass@host:port/db URL'),
  /** Providers whose read routes and JSON events-api serves (comma-separated); unset: hubspot. */
  PROVIDERS: z
    .string()
    .default('hubspot')
    .transform((s) => [...new Set(s.split(',').map((p) => p.trim()).filter(Boolean))])
    .pipe(z.array(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'each provider must be a lower-case name like hubspot or sources')).min(1, 'name at least one provider')),
  EVENTS_API_TOKENS: z
    .string({ error: 'required (comma-separated bearer tokens)' })
    .transform((s) => s.split(',').map((t) => t.trim()).filter((t) => t.length > 0))
    .pipe(
      z
        .array(z.string().min(16, 'each token must be at least 16 characters').regex(/^[\x21-\x7e]+$/, 'tokens must be printable ASCII without spaces'))
        .min(1, 'required (comma-separated bearer tokens)'),
    ),
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
