import { MAX_OCCURRED_AT, MIN_OCCURRED_AT } from './limits.js';

// RFC 3339 / ISO-8601 date-time with a mandatory zone: a local time would be read in the
// server's zone, which is a guess.
const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const NUMERIC = /^\d{1,16}(\.\d{1,9})?$/;
/** Below this an epoch number is read as seconds: 1e12 ms is September 2001, 1e12 s is year 33658. */
const SECONDS_BELOW = 1e12;

export const OCCURRED_AT_FORMAT = 'must be an ISO-8601 date-time with Z or an offset, or epoch seconds or milliseconds';

/** Epoch ms, or the message saying why `value` is not a time. */
export function parseOccurredAt(value: unknown): number | string {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return OCCURRED_AT_FORMAT;
    ms = fromEpoch(value);
  } else if (typeof value === 'string') {
    if (NUMERIC.test(value)) ms = fromEpoch(Number(value));
    else {
      const iso = parseIso(value);
      if (iso === null) return OCCURRED_AT_FORMAT;
      ms = iso;
    }
  } else {
    return OCCURRED_AT_FORMAT;
  }
  if (ms < MIN_OCCURRED_AT || ms >= MAX_OCCURRED_AT) return 'must be between 1970 and 2100';
  return ms;
}

function fromEpoch(n: number): number {
  // Rounded, not truncated: 1700000000.123 * 1000 is 1700000000122.9998 in floating point.
  return Math.round(Math.abs(n) < SECONDS_BELOW ? n * 1000 : n);
}

function parseIso(s: string): number | null {
  const m = ISO.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec = '0', frac = '', , sign, oh = '0', om = '0'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  // 60 is a leap second; Date.UTC carries it into the next minute.
  if (hour > 23 || minute > 59 || second > 60 || Number(oh) > 23 || Number(om) > 59) return null;
  const millis = frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const offsetMin = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMin * 60_000;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS[month - 1] as number;
}
