import { z } from 'zod';
import { ArchiveSettingsSchema, type ArchiveSettings } from '@hookstream/archive';
import { DatabaseTlsSchema, fields } from '@hookstream/config';
import { createDestinationGuard, DeliverySettingsSchema } from '@hookstream/deliveries';
import { parseAdminTokens } from './admin-auth.js';
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
  /** The console's build served at /console; unset: packages/console/dist of this checkout. */
  CONSOLE_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  DATABASE_URL: z.string({ error: 'required (mysql://user:pass@host:port/db)' }).refine(isMysqlUrl, 'must be a mysql://user:pass@host:port/db URL'),
  /** DATABASE_SSL, DATABASE_SSL_*_FILE (@hookstream/config managed.ts). */
  ...DatabaseTlsSchema.shape,
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
  /**
   * Bearer tokens of the admin API (endpoints, deliveries), comma-separated, at least 16
   * characters each; unset: the admin API is off. An admin token also reads everything the
   * reader routes serve (full scope). Reader tokens never reach the admin routes.
   */
  ADMIN_API_TOKENS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
    )
    .superRefine((tokens, ctx) => {
      const problem = parseAdminTokens(tokens);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  // What the admin API needs of the delivery settings: the URL guard's and the rotation overlap (default 24 h).
  ...DeliverySettingsSchema.pick({
    DELIVERY_ALLOW_PRIVATE_NETWORKS: true,
    DELIVERY_ALLOW_HTTP: true,
    DELIVERY_ALLOW_LIST: true,
    ENDPOINT_SECRET_OVERLAP: true,
  }).shape,
});

export type EventsApiConfig = Readonly<z.infer<typeof Schema>>;

/** Validates the environment once at start-up; empty strings count as unset. */
export function loadEventsApiConfig(env: Record<string, string | undefined> = process.env): EventsApiConfig {
  const r = Schema.safeParse(presentOnly(env));
  if (!r.success) throw new ConfigError(describeIssues(r.error.issues));
  // Checked once both settings parsed: a scope naming a provider not served here is a typo.
  const tokens = parseTokenEntries(r.data.EVENTS_API_TOKENS);
  const unhosted = 'entries' in tokens ? unhostedProvider(tokens.entries, r.data.PROVIDERS) : undefined;
  if (unhosted) throw new ConfigError(`EVENTS_API_TOKENS: ${unhosted}`);
  const shared = 'entries' in tokens ? sharedToken(r.data.ADMIN_API_TOKENS, tokens.entries) : undefined;
  if (shared) throw new ConfigError(`ADMIN_API_TOKENS: ${shared}`);
  try {
    createDestinationGuard({ allowPrivate: false, allowHttp: false, allowList: r.data.DELIVERY_ALLOW_LIST });
  } catch (err) {
    throw new ConfigError(`DELIVERY_ALLOW_LIST: ${(err as Error).message.replace(/^allowList /, '')}`);
  }
  return Object.freeze(r.data);
}

/** The raw archive's settings (ARCHIVE_*): GET /archive reads it, retention runs here. */
export function loadArchiveSettings(env: Record<string, string | undefined> = process.env): ArchiveSettings {
  const r = ArchiveSettingsSchema.safeParse(presentOnly(env));
  if (!r.success) throw new ConfigError(describeIssues(r.error.issues));
  return Object.freeze(r.data);
}

/** Empty strings count as unset: compose files and shells produce them. */
function presentOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

/** One line naming each bad setting once, with its first problem; never a value. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const issue of issues) {
    const name = String(issue.path[0] ?? 'config');
    if (seen.has(name)) continue;
    seen.add(name);
    parts.push(`${name}: ${issue.message}`);
  }
  return parts.join('; ');
}

/**
 * An admin token that is also a reader token: which role a request gets would depend on the
 * order of the checks. The entry is named by position, never by its text.
 */
export function sharedToken(admin: readonly string[], readers: ReadonlyArray<{ token: string }>): string | undefined {
  const i = admin.findIndex((a) => readers.some((r) => r.token === a));
  return i < 0 ? undefined : `entry ${i + 1} is also an EVENTS_API_TOKENS token; admin and reader tokens must differ`;
}

function isMysqlUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'mysql:' && u.hostname.length > 0 && u.pathname.length > 1;
  } catch {
    return false;
  }
}
