import { describe, expect, it } from 'vitest';
import { HttpError } from './errors.js';
import { time } from './params.js';

describe('time parameter', () => {
  it.each([
    ['1700000000000', 1_700_000_000_000],
    ['0', 0],
    ['2024-05-01', Date.UTC(2024, 4, 1)],
    ['2024-05-01T10:20:30Z', Date.UTC(2024, 4, 1, 10, 20, 30)],
    ['2024-05-01T10:20:30.123456z', Date.UTC(2024, 4, 1, 10, 20, 30, 123)],
    ['2024-05-01T10:20+02:00', Date.UTC(2024, 4, 1, 8, 20)],
    ['2024-05-01T10:20:00-0530', Date.UTC(2024, 4, 1, 15, 50)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
  ])('%s -> %d', (raw, ms) => {
    expect(time('from', raw)).toBe(ms);
  });

  it.each(['2023-02-29', '2024-13-01', '2024-05-01T24:00Z', '2024-05-01T10:00', '0099-01-01', '1e12', '-5', '2024-05-01T10:00+25:00', ''])(
    'rejects %j',
    (raw) => {
      expect(() => time('from', raw)).toThrow(HttpError);
    },
  );
});
