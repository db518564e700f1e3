import { z } from 'zod';

/** Reusable field schemas; each message says what a valid value looks like. */
export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');

export const port = (dflt: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int({ error: 'must be a port number' })
    .min(0, { error: 'must be a port number between 0 and 65535' })
    .max(65535, { error: 'must be a port number between 0 and 65535' })
    .default(dflt);

export const positiveInt = (dflt: number, what = 'a positive integer') =>
  z.coerce
    .number({ error: `must be ${what}` })
    .int({ error: `must be ${what}` })
    .positive({ error: `must be ${what}` })
    .default(dflt);

export const boolFlag = (dflt: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(dflt);

export const kafkaBrokers = z
  .string({ error: 'required (comma-separated host:port list, e.g. localhost:9092)' })
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, { error: 'each broker must be host:port' })).min(1, { error: 'required (comma-separated host:port list)' }),
  );

export const mysqlUrl = z.string({ error: 'required (mysql://user:pass@host:port/db)' }).refine(
  (s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'mysql:' || u.protocol === 'mariadb:') && u.pathname.length > 1;
    } catch {
      return false;
    }
  },
  { error: 'must be a URL like mysql://user:pass@host:port/db' },
);

export const httpUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: 'must be an http(s) URL' },
);

export const topicName = (dflt: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,249}$/, { error: 'must be a valid Kafka topic name' })
    .default(dflt);

/** PROVIDERS: which providers a service hosts. Unset means HubSpot alone, as before there were others. */
export const providerList = z
  .string()
  .default('hubspot')
  .transform((s) => [
    ...new Set(
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(
    z
      .array(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, { error: 'each provider must be a lower-case name like hubspot or sources' }))
      .min(1, { error: 'name at least one provider' }),
  );
