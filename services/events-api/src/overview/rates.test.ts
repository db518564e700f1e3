import { describe, expect, it } from 'vitest';
import { counterRates } from './rates.js';

const snap = (at: number, entries: Array<[string, number]>) => ({ at, values: new Map(entries) });

describe('counterRates', () => {
  it('is the increase per second between two scrapes', () => {
    const r = counterRates(
      snap(10_000, [
        ['a', 100],
        ['b', 5],
      ]),
      snap(25_000, [
        ['a', 130],
        ['b', 5],
      ]),
    );
    expect(r).toEqual(
      new Map([
        ['a', 2],
        ['b', 0],
      ]),
    );
  });

  it('counts a reset counter from zero (the process restarted), never a negative rate', () => {
    expect(counterRates(snap(0, [['a', 1000]]), snap(10_000, [['a', 40]]))?.get('a')).toBe(4);
  });

  it('counts a series that appeared since the last scrape from zero', () => {
    expect(
      counterRates(
        snap(0, [['a', 1]]),
        snap(5_000, [
          ['a', 1],
          ['new', 10],
        ]),
      )?.get('new'),
    ).toBe(2);
  });

  it('has no rates without an earlier scrape or without time between them', () => {
    expect(counterRates(undefined, snap(0, [['a', 1]]))).toBeUndefined();
    expect(counterRates(snap(5_000, [['a', 1]]), snap(5_000, [['a', 2]]))).toBeUndefined();
  });
});
