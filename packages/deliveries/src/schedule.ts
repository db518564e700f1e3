import { AppError } from '@hookstream/core';

/** Delays before each attempt of a round, in ms: the first is usually 0 (send at once). */
export type RetrySchedule = readonly number[];

/** Immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: Svix's schedule, about 28 h in all. */
export const DEFAULT_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,10h';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration like `0`, `250ms`, `5s`, `30m`, `2h`, `5d`; a bare number is milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new AppError('invalid_duration', 400, `"${text}" is not a duration (a whole number with ms, s, m, h or d, e.g. 5m)`);
  return Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
}

/** `DELIVERY_RETRY_SCHEDULE`: comma-separated durations, one per attempt. */
export function parseSchedule(text: string): RetrySchedule {
  const delays = text.split(',').map((part) => parseDuration(part));
  if (delays.length === 0 || delays.length > 50) throw new AppError('invalid_schedule', 400, 'a retry schedule lists 1 to 50 delays');
  return delays;
}

/** What to do after a failed attempt: wait `delayMs` and try again, or dead-letter. */
export type AfterFailure = { retry: true; delayMs: number } | { retry: false };

/** Retry-After on these answers says when the receiver wants the next try (RFC 9110 §10.2.3). */
const HONOURS_RETRY_AFTER = new Set([429, 503]);
/** A receiver cannot park a delivery longer than this with Retry-After. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * The decision after the `roundAttempts`-th failed attempt of a round (1-based). A 429 or 503
 * with Retry-After waits what the receiver asked instead of the schedule's next delay; the
 * attempt still counts, so a receiver answering 429 forever still ends in the dead letters.
 */
export function afterFailure(schedule: RetrySchedule, roundAttempts: number, retryAfterMs: number | null, status: number | null): AfterFailure {
  const next = schedule[roundAttempts];
  if (next === undefined) return { retry: false };
  if (retryAfterMs !== null && status !== null && HONOURS_RETRY_AFTER.has(status)) return { retry: true, delayMs: Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) };
  return { retry: true, delayMs: next };
}

/**
 * The three HTTP-date forms (RFC 9110 §5.6.7): IMF-fixdate, the obsolete RFC 850 form and
 * asctime. Checked before Date.parse, which reads almost any string (`"-1"`, `"1.5"`) as a date.
 */
const HTTP_DATE = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/** Retry-After as delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!HTTP_DATE.some((re) => re.test(trimmed))) return null;
  // asctime has no zone and means GMT; Date.parse would read it as local time.
  const at = Date.parse(/GMT$/.test(trimmed) ? trimmed : `${trimmed} GMT`);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
