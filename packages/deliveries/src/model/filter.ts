import { AppError, type FieldError } from '@hookstream/core';

/** Which events an endpoint receives. Every given criterion must hold; an empty filter takes all. */
export interface EndpointFilter {
  providers?: string[];
  sources?: string[];
  /** Exact types, or a prefix ending in `*` (`contact.*`). */
  types?: string[];
  /** Paths into the delivered body (`data.status`, `$.data.deal.stage`) and the value each must equal; an array value means any of them. */
  match?: Record<string, unknown>;
}

/** What a filter looks at: the body that would be delivered. */
export interface FilterSubject {
  provider: string;
  source: string;
  type: string;
  body: Record<string, unknown>;
}

const PATH = /^(\$\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** The path's segments; `$.` is optional (JSONPath style), array items are numeric segments. */
export function pathSegments(path: string): string[] {
  return path.replace(/^\$\./, '').split('.');
}

/** Clear errors for paths a filter could never match; values are checked by the schema. */
export function checkFilterPaths(match: Record<string, unknown> | undefined): FieldError[] {
  return Object.keys(match ?? {})
    .filter((p) => !PATH.test(p))
    .map((p) => ({
      path: `/filter/match/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      message: 'must be a dotted path like data.status or $.data.deal.stage',
    }));
}

export function assertFilter(filter: EndpointFilter): void {
  const errors = checkFilterPaths(filter.match);
  if (errors.length > 0) throw new AppError('invalid_filter', 422, 'the filter has paths that cannot match', { errors });
}

/** Only the body's own members: `__proto__` or an array's `length` are not paths into JSON. */
function valueAt(doc: unknown, segments: readonly string[]): unknown {
  let at: unknown = doc;
  for (const s of segments) {
    if (at === null || typeof at !== 'object') return undefined;
    if (Array.isArray(at) ? !/^\d+$/.test(s) : !Object.hasOwn(at, s)) return undefined;
    at = (at as Record<string, unknown>)[s];
  }
  return at;
}

const typeMatches = (patterns: readonly string[], type: string): boolean =>
  patterns.some((p) => (p.endsWith('*') ? type.startsWith(p.slice(0, -1)) : p === type));

/** Deep equality of JSON values (match values are JSON, so key order is all that can differ). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function matchesFilter(filter: EndpointFilter, s: FilterSubject): boolean {
  if (filter.providers && filter.providers.length > 0 && !filter.providers.includes(s.provider)) return false;
  if (filter.sources && filter.sources.length > 0 && !filter.sources.includes(s.source)) return false;
  if (filter.types && filter.types.length > 0 && !typeMatches(filter.types, s.type)) return false;
  for (const [path, want] of Object.entries(filter.match ?? {})) {
    const have = valueAt(s.body, pathSegments(path));
    const ok = Array.isArray(want) ? want.some((w) => jsonEqual(w, have)) : jsonEqual(want, have);
    if (!ok) return false;
  }
  return true;
}
