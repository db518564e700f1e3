import { describe, expect, it } from 'vitest';
import { createTokenBucket } from './token-bucket.js';

/** A clock the test moves by hand. */
function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const takeAll = (b: { take(): boolean }, max = 10_000): number => {
  let n = 0;
  while (n < max && b.take()) n++;
  return n;
};

describe('createTokenBucket', () => {
  it('starts full: a burst of one second worth, then nothing', () => {
    const c = clock();
    const b = createTokenBucket(5, c.now);
    expect(b.rate).toBe(5);
    expect(takeAll(b)).toBe(5);
    expect(b.take()).toBe(false);
  });

  it('refills at rate tokens per second', () => {
    const c = clock();
    const b = createTokenBucket(10, c.now);
    takeAll(b);
    c.advance(99);
    expect(b.take()).toBe(false);
    c.advance(1);
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    c.advance(500);
    expect(takeAll(b)).toBe(5);
  });

  it('never holds more than one second worth, however long it idles', () => {
    const c = clock();
    const b = createTokenBucket(3, c.now);
    takeAll(b);
    c.advance(3_600_000);
    expect(takeAll(b)).toBe(3);
  });

  it('waitMs is 0 with a token and the time to the next token without', () => {
    const c = clock();
    const b = createTokenBucket(4, c.now);
    expect(b.waitMs()).toBe(0);
    takeAll(b);
    expect(b.waitMs()).toBe(250);
    c.advance(100);
    expect(b.waitMs()).toBe(150);
    c.advance(150);
    expect(b.waitMs()).toBe(0);
    expect(b.take()).toBe(true);
  });

  it('waitMs rounds up, so waiting that long always yields a token', () => {
    const c = clock();
    const b = createTokenBucket(3, c.now);
    takeAll(b);
    const wait = b.waitMs();
    expect(wait).toBe(334);
    c.advance(wait - 1);
    expect(b.take()).toBe(false);
    c.advance(1);
    expect(b.take()).toBe(true);
  });

  it('giveBack returns a token, but not past the burst', () => {
    const c = clock();
    const b = createTokenBucket(2, c.now);
    takeAll(b);
    b.giveBack();
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    const full = createTokenBucket(2, c.now);
    full.giveBack();
    full.giveBack();
    expect(takeAll(full)).toBe(2);
  });

  it('a clock that does not move refills nothing', () => {
    const c = clock();
    const b = createTokenBucket(1000, c.now);
    expect(takeAll(b)).toBe(1000);
    for (let i = 0; i < 100; i++) expect(b.take()).toBe(false);
  });

  it('over a long run, sends at the rate (plus the initial burst)', () => {
    const c = clock();
    const b = createTokenBucket(50, c.now);
    let sent = 0;
    for (let ms = 0; ms < 10_000; ms += 7) {
      if (b.take()) sent++;
      c.advance(7);
    }
    expect(sent).toBeGreaterThanOrEqual(50 * 10);
    expect(sent).toBeLessThanOrEqual(50 * 10 + 50 + 1);
  });
});
