import type { DeliveryAnswer } from './generator.js';

export interface AnswerWindow {
  /** Inclusive, by answeredAt. */
  from: number;
  /** Exclusive, by answeredAt. */
  to: number;
}

export interface WindowSummary {
  /** Answers by label ("200", "503", "timeout", …) that came within the window. */
  byLabel: Record<string, number>;
  acknowledged: number;
  /** Answers that were not 2xx (5xx, 429, timeouts, network errors, refusals). */
  failed: number;
  /**
   * Longest stretch of the window in which no 2xx answer came, in ms: from the window's start
   * to the first 2xx, between two 2xx, or from the last 2xx to the window's end.
   */
  longestGapMs: number;
  /** When that stretch began and ended. */
  gapFrom: number;
  gapTo: number;
  /** Send time of the last request in the window that was not answered 2xx; undefined if none. */
  lastFailedSentAt: number | undefined;
}

/** What a sender saw in one span of time: how often, and for how long, the edge did not answer 2xx. */
export function summarizeAnswers(answers: readonly DeliveryAnswer[], w: AnswerWindow): WindowSummary {
  const inWindow = answers.filter((a) => a.answeredAt >= w.from && a.answeredAt < w.to);
  const byLabel: Record<string, number> = {};
  for (const a of inWindow) byLabel[a.label] = (byLabel[a.label] ?? 0) + 1;
  const acks = inWindow
    .filter((a) => a.outcome === 'acknowledged')
    .map((a) => a.answeredAt)
    .sort((a, b) => a - b);
  const marks = [w.from, ...acks, w.to];
  let longestGapMs = 0;
  let gapFrom = w.from;
  let gapTo = w.from;
  for (let i = 1; i < marks.length; i++) {
    const gap = (marks[i] as number) - (marks[i - 1] as number);
    if (gap > longestGapMs) {
      longestGapMs = gap;
      gapFrom = marks[i - 1] as number;
      gapTo = marks[i] as number;
    }
  }
  const failed = inWindow.filter((a) => a.outcome !== 'acknowledged');
  return {
    byLabel,
    acknowledged: acks.length,
    failed: failed.length,
    longestGapMs,
    gapFrom,
    gapTo,
    lastFailedSentAt: failed.length === 0 ? undefined : Math.max(...failed.map((a) => a.sentAt)),
  };
}
