export type HeaderMap = Record<string, string | string[] | undefined>;

export type HeaderRead = { kind: 'absent' } | { kind: 'one'; value: string } | { kind: 'many' };

/**
 * One header by lower-case name. Node's http module lower-cases keys, so the direct lookup is
 * the hot path; other callers (tests, proxies, frameworks) may keep the sender's casing.
 * Repeated headers are reported as `many`: picking one would let a sender choose which counts.
 */
export function readHeader(headers: HeaderMap, lowerName: string): HeaderRead {
  let found = headers[lowerName];
  if (found === undefined) {
    for (const key in headers) {
      if (key.length === lowerName.length && key.toLowerCase() === lowerName) {
        found = headers[key];
        break;
      }
    }
  }
  if (found === undefined) return { kind: 'absent' };
  if (Array.isArray(found)) {
    if (found.length > 1) return { kind: 'many' };
    const only = found[0];
    if (only === undefined) return { kind: 'absent' };
    found = only;
  }
  const value = found.trim();
  return value === '' ? { kind: 'absent' } : { kind: 'one', value };
}
