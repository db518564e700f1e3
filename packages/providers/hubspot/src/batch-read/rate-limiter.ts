/** How often a request held by a share of 0 checks whether a share arrived. */
const ZERO_SHARE_RECHECK_MS = 100;

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
  /**
   * This replica's share of the app's budget per window (the group divides HubSpot's limit
   * among its replicas). A smaller share applies at once; a larger one only after a whole
   * window, because the replicas that gave it up may have spent it in the window now ending.
   */
  setMaxRequests(maxRequests: number, opts?: { immediate?: boolean }): void;
  maxRequests(): number;
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
  let limit = opts.maxRequests;
  let raised: { to: number; at: number } | null = null;
  const current = (now: number): number => {
    if (raised && now >= raised.at) {
      limit = raised.to;
      raised = null;
    }
    return limit;
  };

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
        const max = current(now);
        if (s.sent.length < max) {
          s.sent.push(now);
          return;
        }
        // A share of 0 (before the first assignment, or no partitions) looks again shortly: the
        // share can arrive at any moment. Otherwise wait for the oldest send to age out.
        const freeAt = max === 0 ? Math.min(raised?.at ?? Infinity, now + ZERO_SHARE_RECHECK_MS) : (s.sent[s.sent.length - max] ?? now) + opts.windowMs;
        await opts.sleep(Math.max(1, freeAt - now));
      }
    },
    pause(portalId, untilMs) {
      const s = stateOf(portalId);
      s.pausedUntil = Math.max(s.pausedUntil, untilMs);
    },
    setMaxRequests(maxRequests, how = {}) {
      const now = opts.now();
      const effective = current(now);
      if (maxRequests <= effective || how.immediate === true) {
        limit = maxRequests;
        raised = null;
      } else raised = { to: maxRequests, at: now + opts.windowMs };
    },
    maxRequests: () => current(opts.now()),
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
