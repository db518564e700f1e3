/**
 * A byte budget for what the edge holds in memory at once: request bodies being read and
 * Kafka writes that have not settled. When Kafka is slow, requests pile up for up to
 * EDGE_PRODUCE_TIMEOUT_MS each, and writes that timed out may still sit in the client; without
 * a bound, HubSpot's retries would grow memory until the process dies. Over budget, the edge
 * answers 503 at once and HubSpot retries later.
 */
export interface InflightGate {
  /** Takes `bytes` from the budget; false (and nothing taken) if that would exceed it. */
  tryAcquire(bytes: number): boolean;
  release(bytes: number): void;
  used(): number;
  readonly limit: number;
}

export function createInflightGate(limit: number): InflightGate {
  let used = 0;
  return {
    limit,
    tryAcquire(bytes) {
      // A single request larger than the whole budget still gets through when nothing else is held.
      if (used > 0 && used + bytes > limit) return false;
      used += bytes;
      return true;
    },
    release(bytes) {
      used = Math.max(0, used - bytes);
    },
    used: () => used,
  };
}

/** Wraps a release so that calling it twice (response closed and write settled) frees once. */
export function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
