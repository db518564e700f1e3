/**
 * Row decoding shared by the writer and the reader. MySQL 8 returns JSON columns parsed, MariaDB
 * (JSON = LONGTEXT) returns strings; BIGINTs come back as numbers, or as strings past 2^53.
 */
export function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
