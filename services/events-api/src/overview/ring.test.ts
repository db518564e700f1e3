import { describe, expect, it } from 'vitest';
import { createRing } from './ring.js';

describe('createRing', () => {
  it('keeps the last `capacity` items, oldest first, however many are pushed', () => {
    const ring = createRing<number>(3);
    expect(ring.items()).toEqual([]);
    ring.push(1);
    ring.push(2);
    expect(ring.items()).toEqual([1, 2]);
    for (let i = 3; i <= 1000; i++) ring.push(i);
    expect(ring.items()).toEqual([998, 999, 1000]);
    expect(ring.size).toBe(3);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => createRing(0)).toThrow(RangeError);
    expect(() => createRing(2.5)).toThrow('ring capacity must be a positive integer, got 2.5');
  });
});
