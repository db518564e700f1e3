import { describe, expect, it } from 'vitest';
import { planSelection } from './redrive.js';

const partitions = [
  { partition: 0, low: 0n, high: 10n },
  { partition: 1, low: 5n, high: 8n },
];
const pick = (partition: number, offset: number) => ({ partition, offset: BigInt(offset) });

describe('planSelection', () => {
  it('moves the cursor only past offsets that run on from it without a gap', () => {
    const plan = planSelection(partitions, new Map([[0, 2n]]), [pick(0, 2), pick(0, 3), pick(0, 5), pick(0, 7), pick(1, 5)]);
    expect(plan.advancing).toEqual([
      { partition: 0, start: 2n, end: 4n },
      // No commit yet on partition 1: its cursor is the low watermark.
      { partition: 1, start: 5n, end: 6n },
    ]);
    expect(plan.scattered).toEqual([{ partition: 0, start: 5n, end: 8n }]);
    expect([...(plan.chosen.get(0) ?? [])]).toEqual([5n, 7n]);
    expect(plan.total).toBe(5);
    expect(plan.missing).toEqual([]);
  });

  it('re-sends an offset below the cursor without moving the cursor back', () => {
    const plan = planSelection(partitions, new Map([[0, 6n]]), [pick(0, 1)]);
    expect(plan.advancing).toEqual([]);
    expect(plan.scattered).toEqual([{ partition: 0, start: 1n, end: 2n }]);
    expect(plan.total).toBe(1);
  });

  it('names the chosen offsets the topic does not hold and counts a repeated one once', () => {
    const plan = planSelection(partitions, new Map(), [pick(1, 4), pick(1, 8), pick(7, 0), pick(1, 6), pick(1, 6)]);
    expect(plan.missing).toEqual([pick(1, 4), pick(1, 8), pick(7, 0)]);
    expect(plan.total).toBe(1);
    expect(plan.advancing).toEqual([]);
    expect(plan.scattered).toEqual([{ partition: 1, start: 6n, end: 7n }]);
  });
});
