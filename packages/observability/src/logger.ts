import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths pino replaces with "[redacted]" in every log line. Secrets reach logs mostly through
 * request headers, config objects and error contexts, so all three are covered. These are the
 * ones every service shares; each provider adds its own (LoggerSettings.redactHeaders and
 * redactPaths, from its `redact()`), so no provider's names live here.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.authorization',
  'config.EVENTS_API_TOKENS',
  'config.DATABASE_URL',
  // Managed Kafka's secrets (@hookstream/config managed.ts), as settings and as client options.
  'KAFKA_SASL_PASSWORD',
  'KAFKA_SSL_KEY_PASSWORD',
  '*.KAFKA_SASL_PASSWORD',
  '*.KAFKA_SSL_KEY_PASSWORD',
  '*.passphrase',
  'sasl.password',
  '*.sasl.password',
  'ssl.key',
  '*.ssl.key',
  // Node's HTTP parser errors carry the raw request bytes (headers, tokens, signatures).
  'err.rawPacket',
];

export interface LoggerSettings {
  name: string;
  level?: string;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  /** More request headers (lower-case names) that carry credentials: each provider's own. */
  redactHeaders?: readonly string[];
  /** More log paths (pino redact syntax) that hold credentials, e.g. a provider's settings. */
  redactPaths?: readonly string[];
}

/** The log paths under which a header can appear: Fastify's request object and plain header maps. */
export function headerRedactPaths(names: readonly string[]): string[] {
  return names.flatMap((n) => [`req.headers["${n}"]`, `headers["${n}"]`]);
}

const CENSOR = '[redacted]';
/** The process's redact paths without their wildcards, kept on the root logger (its children inherit it). */
const FLAT_PATHS = Symbol('hookstream.flatRedactPaths');

/** One JSON logger per process; children carry per-component bindings. */
export function createLogger(settings: LoggerSettings): Logger {
  const paths = [...new Set([...REDACT_PATHS, ...headerRedactPaths(settings.redactHeaders ?? []), ...(settings.redactPaths ?? [])])];
  const options: LoggerOptions = {
    name: settings.name,
    level: settings.level ?? 'info',
    redact: { paths, censor: CENSOR },
    // Plain epoch-ms "time" keeps lines cheap to produce and easy to sort.
    base: { pid: process.pid, service: settings.name },
  };
  const log = settings.destination ? pino(options, settings.destination) : pino(options);
  // pino's children are Object.create(parent), so every child (Fastify's request loggers too) sees it.
  Object.defineProperty(log, FLAT_PATHS, { value: [...new Set(paths.map((p) => p.replace(/^(\*\.)+/, '')))] });
  return log;
}

/**
 * A child of `log` for a frequent line whose fields are flat (one line per webhook delivery):
 * the same names redacted, but only at the top level, not behind pino's wildcard paths
 * (`*.password` and the like). Those wildcards make pino visit every field of every line: they
 * cost 28–30 µs of CPU per 'delivery accepted' line against 5.7 µs for this child (micro-
 * benchmark on a machine where an edge delivery cost 240 µs). Nested objects get no
 * redaction here, so log only flat fields through it; a logger createLogger did not make is
 * returned as it is.
 */
export function flatLineLogger(log: Logger): Logger {
  const paths = (log as Logger & { [FLAT_PATHS]?: string[] })[FLAT_PATHS];
  return paths ? log.child({}, { redact: { paths, censor: CENSOR } }) : log;
}

/** Removes the password from a connection URL before it is logged or shown. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
