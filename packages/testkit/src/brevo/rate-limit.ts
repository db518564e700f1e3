export interface FakeBrevoRateLimit {
  /** Requests admitted per window. */
  max: number;
  windowMs: number;
}

export interface Admission {
  ok: boolean;
  /** The `x-sib-ratelimit-*` headers Brevo sends on every answer of a rate-limited endpoint. */
  headers: Record<string, string>;
}

/**
 * A fixed window per API key, started by its first request. Brevo does not publish how its
 * windows move; what a client can rely on is the headers, and those are what the fake sends.
 */
export function createRateLimiter(now: () => number): { admit(key: string, limit: FakeBrevoRateLimit): Admission } {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    admit(key, limit) {
      const at = now();
      let w = windows.get(key);
      if (w === undefined || at >= w.start + limit.windowMs) {
        w = { start: at, count: 0 };
        windows.set(key, w);
      }
      const ok = w.count < limit.max;
      if (ok) w.count += 1;
      // Seconds until the window resets, rounded up: a client waiting this long is admitted.
      const reset = Math.max(1, Math.ceil((w.start + limit.windowMs - at) / 1000));
      return {
        ok,
        headers: {
          'x-sib-ratelimit-limit': String(limit.max),
          'x-sib-ratelimit-remaining': String(limit.max - w.count),
          'x-sib-ratelimit-reset': String(reset),
        },
      };
    },
  };
}
