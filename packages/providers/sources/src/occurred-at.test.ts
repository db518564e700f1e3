import { describe, expect, it } from 'vitest';
import { OCCURRED_AT_FORMAT, parseOccurredAt } from './occurred-at.js';

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe('parseOccurredAt', () => {
  it('reads ISO-8601 with Z or an offset', () => {
    expect(parseOccurredAt('2026-01-02T03:04:05.678Z')).toBe(T);
    expect(parseOccurredAt('2026-01-02T05:04:05.678+02:00')).toBe(T);
    expect(parseOccurredAt('2026-01-01T22:04:05.678-0500')).toBe(T);
    expect(parseOccurredAt('2026-01-02t03:04:05.678123456z')).toBe(T);
    expect(parseOccurredAt('2026-01-02 03:04:05,678Z')).toBe(T);
    expect(parseOccurredAt('2026-01-02T03:04Z')).toBe(Date.UTC(2026, 0, 2, 3, 4));
  });

  it('reads epoch seconds below 1e12 and milliseconds above, as numbers or numeric strings', () => {
    expect(parseOccurredAt(T)).toBe(T);
    expect(parseOccurredAt(String(T))).toBe(T);
    expect(parseOccurredAt(T / 1000)).toBe(T);
    expect(parseOccurredAt('1767323045.678')).toBe(T);
    expect(parseOccurredAt(1_767_323_045)).toBe(T - 678);
    expect(parseOccurredAt(0)).toBe(0);
  });

  it('refuses local times, impossible dates, other types and times outside 1970..2100', () => {
    for (const bad of [
      '2026-01-02T03:04:05',
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-02T24:00:00Z',
      '2026-01-02T03:04:05+25:00',
      'yesterday',
      '',
      ' 1767323045',
      true,
      null,
      {},
      Number.NaN,
    ]) {
      expect(parseOccurredAt(bad)).toBe(OCCURRED_AT_FORMAT);
    }
    expect(parseOccurredAt('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseOccurredAt('2100-01-01T00:00:00Z')).toBe('must be between 1970 and 2100');
    expect(parseOccurredAt(-1)).toBe('must be between 1970 and 2100');
    expect(parseOccurredAt('1969-12-31T23:59:59Z')).toBe('must be between 1970 and 2100');
  });
});
