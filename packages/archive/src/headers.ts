import type { ArchiveHeaders } from './record.js';

/**
 * Dropped whatever the caller says: credentials that any sender may put in a request. Archives
 * are kept for weeks and read by operators, so a leaked key there outlives its rotation.
 */
export const ALWAYS_SECRET_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];

/**
 * The headers that may be archived: names lower-cased, undefined values dropped, and every header
 * named in `secretHeaderNames` (a source's API-key or signature-secret header, compared without
 * case) removed along with ALWAYS_SECRET_HEADERS.
 */
export function safeHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  secretHeaderNames: Iterable<string> = [],
): ArchiveHeaders {
  const secret = new Set(ALWAYS_SECRET_HEADERS);
  for (const name of secretHeaderNames) secret.add(name.toLowerCase());
  const out: ArchiveHeaders = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (value === undefined || secret.has(name)) continue;
    out[name] = typeof value === 'string' ? value : [...value];
  }
  return out;
}
