import type { SortOrder } from '@hookstream/store';
import { badRequest } from './errors.js';

/**
 * Query-string and path parameter parsing with messages of the form "<param>: <why>". Values are
 * validated to their exact expected shape; anything else — including SQL-looking text — is
 * simply an invalid value. Unknown and repeated parameters are rejected, so a typo such as
 * `portalID=` fails loudly instead of silently returning unfiltered data.
 */
export type Parser<T> = (name: string, raw: string) => T;

export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;

export function readParams<S extends Record<string, Parser<unknown>>>(input: unknown, spec: S): { [K in keyof S]?: ReturnType<S[K]> } {
  const out: Record<string, unknown> = {};
  const source = (input ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(source)) {
    const parse = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!parse) throw badRequest(printable(name), 'unknown parameter');
    if (Array.isArray(value)) throw badRequest(name, 'must be given once');
    if (typeof value !== 'string') throw badRequest(name, 'invalid value');
    out[name] = parse(name, value);
  }
  return out as { [K in keyof S]?: ReturnType<S[K]> };
}

export const positiveInt: Parser<number> = (name, raw) => {
  if (!/^[1-9][0-9]{0,15}$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw badRequest(name, 'must be a positive integer');
  return Number(raw);
};

/** A provider, source or tenant name as the ledger stores it. */
export const name =
  (max: number): Parser<string> =>
  (param, raw) => {
    if (raw.length === 0 || raw.length > max || !/^[\x21-\x7e]+$/.test(raw)) throw badRequest(param, `must be 1-${max} printable characters`);
    return raw;
  };

/** An event type or subject: any text the provider used, within the column's length. */
export const text =
  (max: number): Parser<string> =>
  (param, raw) => {
    if (raw.length === 0 || raw.length > max) throw badRequest(param, `must be 1-${max} characters`);
    return raw;
  };

export const order: Parser<SortOrder> = (name, raw) => {
  if (raw !== 'asc' && raw !== 'desc') throw badRequest(name, 'must be asc or desc');
  return raw;
};

export const limit: Parser<number> = (name, raw) => {
  const n = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_LIMIT)) throw badRequest(name, `must be an integer between 1 and ${MAX_LIMIT}`);
  return n;
};

export const cursor: Parser<string> = (name, raw) => {
  if (raw.length === 0) throw badRequest(name, 'must not be empty (omit it to start from the beginning)');
  return raw;
};

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2}))?$/i;

/**
 * Epoch milliseconds, an ISO-8601 date (midnight UTC), or an ISO-8601 date-time with `Z` or an
 * offset. A date-time without a zone is rejected rather than guessed.
 */
export const time: Parser<number> = (name, raw) => {
  const invalid = () => badRequest(name, 'expected epoch milliseconds or an ISO-8601 date (date-times need Z or an offset)');
  if (/^[0-9]{1,15}$/.test(raw)) return Number(raw);
  const m = ISO.exec(raw);
  if (!m) throw invalid();
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (m[4] !== undefined && zone === undefined) throw invalid();
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) throw invalid();
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) throw invalid();
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (!z) throw invalid();
    const [, sign, oh, om] = z;
    if (Number(oh) > 23 || Number(om) > 59) throw invalid();
    offsetMin = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3))) - offsetMin * 60_000;
  if (!Number.isFinite(ms) || ms < 0) throw invalid();
  return ms;
};

function printable(name: string): string {
  const clean = name.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
