import { describe, expect, it } from 'vitest';
import type { DeliveryAnswer } from './generator.js';
import { summarizeAnswers } from './timeline.js';

const answer = (sentAt: number, answeredAt: number, label: string): DeliveryAnswer => ({
  sentAt,
  answeredAt,
  label,
  outcome: label.startsWith('2') ? 'acknowledged' : label.startsWith('4') ? 'refused' : 'unacknowledged',
  attempt: 0,
  events: 1,
});

describe('summarizeAnswers', () => {
  it('finds the longest stretch without a 2xx and counts the failures inside the window', () => {
    const answers = [
      answer(900, 950, '200'), // before the window: ignored
      answer(1_000, 1_100, '200'),
      answer(1_200, 1_300, '200'),
      answer(1_300, 5_300, '503'),
      answer(2_000, 6_000, 'timeout'),
      answer(6_500, 6_600, '200'),
      answer(6_700, 6_800, '202'),
      answer(9_990, 10_500, '503'), // answered after the window: ignored
    ];
    const s = summarizeAnswers(answers, { from: 1_000, to: 10_000 });
    expect(s.byLabel).toEqual({ '200': 3, '202': 1, '503': 1, timeout: 1 });
    expect(s.acknowledged).toBe(4);
    expect(s.failed).toBe(2);
    // 1 300 → 6 600 is longer than 6 800 → 10 000 (the window's end).
    expect(s.longestGapMs).toBe(5_300);
    expect([s.gapFrom, s.gapTo]).toEqual([1_300, 6_600]);
    expect(s.lastFailedSentAt).toBe(2_000);
  });

  it('counts a window with no 2xx at all as one gap over the whole window', () => {
    const s = summarizeAnswers([answer(10, 20, '503')], { from: 0, to: 1_000 });
    expect(s.longestGapMs).toBe(1_000);
    expect(s.acknowledged).toBe(0);
    expect(s.lastFailedSentAt).toBe(10);
  });

  it('reports no failure when every answer was 2xx', () => {
    const s = summarizeAnswers([answer(0, 100, '200'), answer(100, 200, '200')], { from: 0, to: 300 });
    expect(s.failed).toBe(0);
    expect(s.lastFailedSentAt).toBeUndefined();
    expect(s.longestGapMs).toBe(100);
  });
});
