export interface PortalRateLimiterOptions {
  maxRequests: number;
  windowMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface PortalRateLimiter {
  /** Resolves once a request for the portal may be sent, and counts it. */
  acquire(portalId: number): Promise<void>;
  /** Holds every request for the portal until `untilMs` (HubSpot said the window is used up). */
  pause(portalId: number, untilMs: number): void;
}

interface PortalState {
  /** Send times inside the current window, oldest first. */
  sent: number[];
  pausedUntil: number;
}

/**
 * Per-portal limiter over a rolling window. HubSpot's limit is TEN_SECONDLY_ROLLING, i.e. at
 * most N requests in ANY 10 s span; a token bucket of size N refilled over 10 s would allow
 * close to 2N in one span (a full bucket plus the refill), so we keep the actual send times.
 */
export function createPortalRateLimiter(opts: PortalRateLimiterOptions): PortalRateLimiter {
  const portals = new Map<number, PortalState>();

  const stateOf = (portalId: number): PortalState => {
    let s = portals.get(portalId);
    if (s === undefined) {
      s = { sent: [], pausedUntil: 0 };
      portals.set(portalId, s);
    }
    return s;
  };

  return {
    async acquire(portalId) {
      const s = stateOf(portalId);
      for (;;) {
        const now = opts.now();
        if (s.pausedUntil > now) {
          await opts.sleep(s.pausedUntil - now);
          continue;
        }
        while (s.sent.length > 0 && (s.sent[0] ?? 0) <= now - opts.windowMs) s.sent.shift();
        if (s.sent.length < opts.maxRequests) {
          s.sent.push(now);
          return;
        }
        await opts.sleep((s.sent[0] ?? now) + opts.windowMs - now);
      }
    },
    pause(portalId, untilMs) {
      const s = stateOf(portalId);
      s.pausedUntil = Math.max(s.pausedUntil, untilMs);
    },
  };
}

/** Caps calls in flight; waiters are served in arrival order. */
export interface Semaphore {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function createSemaphore(max: number): Semaphore {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return {
    async run(fn) {
      if (active < max) active++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
