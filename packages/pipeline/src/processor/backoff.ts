/** Exponential backoff with full jitter in the upper half: base·2^(attempt-1), capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Sleeps in short slices so that a stopping consumer is not held by a long backoff. */
export async function sleepWhile(ms: number, keepWaiting: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (keepWaiting() && Date.now() < until) {
    await new Promise((r) => setTimeout(r, Math.min(250, until - Date.now())));
  }
}
