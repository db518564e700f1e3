import { AppError } from '@hookstream/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, afterFailure, parseDuration, parseRetryAfter, parseSchedule } from './schedule.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

function thrown(fn: () => unknown): AppError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['250', 250],
    ['250ms', 250],
    ['5s', 5 * S],
    ['30m', 30 * M],
    ['2h', 2 * H],
    ['5d', 5 * D],
    [' 5 s ', 5 * S],
    ['0s', 0],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', ' ', '5x', '-5s', '1.5s', 's', '5 minutes', '5sec', '5m5s', '5S', 'ms5'])('refuses %j with invalid_duration 400', (text) => {
    const err = thrown(() => parseDuration(text));
    expect(err.code).toBe('invalid_duration');
    expect(err.httpStatus).toBe(400);
    expect(err.message).toContain(`"${text}"`);
  });
});

describe('parseSchedule', () => {
  it('reads the default schedule as exact milliseconds', () => {
    expect(parseSchedule(DEFAULT_SCHEDULE)).toEqual([0, 5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H]);
  });

  it('the default schedule is the documented one (about 28 h in all)', () => {
    expect(DEFAULT_SCHEDULE).toBe('0,5s,5m,30m,2h,5h,10h,10h');
    expect(parseSchedule(DEFAULT_SCHEDULE).reduce((a, b) => a + b, 0)).toBe(27 * H + 35 * M + 5 * S);
  });

  it('accepts one delay, spaces around entries, and exactly 50 delays', () => {
    expect(parseSchedule('0')).toEqual([0]);
    expect(parseSchedule(' 1s , 2m ,3h')).toEqual([S, 2 * M, 3 * H]);
    expect(parseSchedule(Array.from({ length: 50 }, () => '1s').join(','))).toHaveLength(50);
  });

  it('refuses more than 50 delays with invalid_schedule', () => {
    const err = thrown(() => parseSchedule(Array.from({ length: 51 }, () => '1s').join(',')));
    expect(err.code).toBe('invalid_schedule');
    expect(err.httpStatus).toBe(400);
  });

  it.each(['', '0,,5s', '0,5s,', '0;5s', '0,5x'])('refuses %j with invalid_duration', (text) => {
    expect(thrown(() => parseSchedule(text)).code).toBe('invalid_duration');
  });
});

describe('afterFailure', () => {
  const schedule = parseSchedule(DEFAULT_SCHEDULE);

  it('the n-th failure waits the delay before attempt n+1', () => {
    expect(afterFailure(schedule, 1, null, 500)).toEqual({ retry: true, delayMs: 5 * S });
    expect(afterFailure(schedule, 2, null, 500)).toEqual({ retry: true, delayMs: 5 * M });
    expect(afterFailure(schedule, 3, null, null)).toEqual({ retry: true, delayMs: 30 * M });
    expect(afterFailure(schedule, 4, null, 502)).toEqual({ retry: true, delayMs: 2 * H });
    expect(afterFailure(schedule, 7, null, 500)).toEqual({ retry: true, delayMs: 10 * H });
  });

  it('after the last attempt of the schedule the delivery is dead', () => {
    expect(afterFailure(schedule, 8, null, 500)).toEqual({ retry: false });
    expect(afterFailure(schedule, 9, null, 500)).toEqual({ retry: false });
    expect(afterFailure([0], 1, null, 500)).toEqual({ retry: false });
  });

  it.each([429, 503])('honours Retry-After on %d', (status) => {
    expect(afterFailure(schedule, 1, 42 * S, status)).toEqual({ retry: true, delayMs: 42 * S });
    expect(afterFailure(schedule, 5, 0, status)).toEqual({ retry: true, delayMs: 0 });
  });

  it.each([500, 502, 504, 400, 410, 200])('ignores Retry-After on %d and uses the schedule', (status) => {
    expect(afterFailure(schedule, 1, 42 * S, status)).toEqual({ retry: true, delayMs: 5 * S });
  });

  it('ignores Retry-After when there was no HTTP status (timeout, network)', () => {
    expect(afterFailure(schedule, 2, 42 * S, null)).toEqual({ retry: true, delayMs: 5 * M });
  });

  it('caps Retry-After at 24 h', () => {
    expect(afterFailure(schedule, 1, 3 * D, 429)).toEqual({ retry: true, delayMs: 24 * H });
    expect(afterFailure(schedule, 1, 24 * H, 503)).toEqual({ retry: true, delayMs: 24 * H });
  });

  it('a Retry-After still counts the attempt: a 429 forever ends dead', () => {
    expect(afterFailure(schedule, schedule.length, 1 * S, 429)).toEqual({ retry: false });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2015, 9, 21, 7, 28, 0);

  it('is null when absent', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120 * S);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 7 ', now)).toBe(7 * S);
  });

  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now)).toBe(2 * M);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(0);
  });

  it('an HTTP date in the past means now, never a negative delay', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
  });

  it.each(['', 'soon', 'in 5 minutes', '12abc', '1e3', '0x10'])('is null for garbage %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });

  // Neither delay-seconds (1*DIGIT) nor an HTTP date: V8's lenient Date.parse reads these as
  // dates in 2001, which turned them into a 0 ms "retry at once" instead of null.
  it.each(['1.5', '-1', '+5', 'abc 12'])('is null for %j, which is neither delay-seconds nor an HTTP date', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });
});
