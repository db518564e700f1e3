/** Thrown when DATABASE_URL is missing or malformed; the message is one line naming it. */
export class DatabaseUrlError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

/** Reads and checks DATABASE_URL (`mysql://user:pass@host:port/db`). Never echoes the value: it may hold a password. */
export function readDatabaseUrl(env: Record<string, string | undefined>): string {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) throw new DatabaseUrlError('DATABASE_URL: required (mysql://user:pass@host:port/db)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DatabaseUrlError('DATABASE_URL: not a valid URL (expected mysql://user:pass@host:port/db)');
  }
  if (url.protocol !== 'mysql:') throw new DatabaseUrlError('DATABASE_URL: must start with mysql://');
  if (!url.hostname) throw new DatabaseUrlError('DATABASE_URL: missing host');
  if (url.pathname.replace(/^\//, '') === '') throw new DatabaseUrlError('DATABASE_URL: missing database name (mysql://…/db)');
  return raw;
}
