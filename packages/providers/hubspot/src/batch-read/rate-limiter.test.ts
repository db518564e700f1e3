import { describe, expect, it } from 'vitest';
import { createPortalRateLimiter, createSemaphore } from './rate-limiter.js';

function clock() {
  const c = { t: 0, sleeps: [] as number[] };
  return { c, now: () => c.t, sleep: async (ms: number) => void (c.sleeps.push(ms), (c.t += ms)) };
}

describe('createPortalRateLimiter', () => {
  it('allows maxRequests in any rolling window, never more', async () => {
    const { c, now, sleep } = clock();
    const limiter = createPortalRateLimiter({ maxRequests: 3, windowMs: 10_000, now, sleep });
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      await limiter.acquire(1);
      times.push(c.t);
      c.t += 1_000;
    }
    expect(times).toEqual([0, 1_000, 2_000, 10_000, 11_000, 12_000, 20_000]);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 10_000).length).toBeLessThanOrEqual(3);
  });

  it('takes a smaller share at once and a larger one only after a whole window', async () => {
    const { c, now, sleep } = clock();
    const limiter = createPortalRateLimiter({ maxRequests: 4, windowMs: 10_000, now, sleep });
    for (let i = 0; i < 2; i++) await limiter.acquire(1);
    // Two replicas now share the app's 4: this one keeps 2, already spent in this window.
    limiter.setMaxRequests(2);
    expect(limiter.maxRequests()).toBe(2);
    await limiter.acquire(1);
    expect(c.t).toBe(10_000);
    // Back to the whole budget: not before the other replica's sends have left the window.
    limiter.setMaxRequests(4);
    expect(limiter.maxRequests()).toBe(2);
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      await limiter.acquire(1);
      times.push(c.t);
    }
    expect(times[0]).toBe(10_000);
    expect(times.slice(1).every((t) => t >= 20_000)).toBe(true);
    expect(limiter.maxRequests()).toBe(4);
  });

  it('holds every request while its share is 0, and sends once it has one', async () => {
    const { c, now, sleep } = clock();
    const limiter = createPortalRateLimiter({ maxRequests: 0, windowMs: 10_000, now, sleep });
    limiter.setMaxRequests(1);
    await limiter.acquire(1);
    expect(c.t).toBe(10_000);
  });

  it('notices a share given while a request waits with none, within a moment rather than a window', async () => {
    const c = { t: 0 };
    const holder: { limiter?: ReturnType<typeof createPortalRateLimiter> } = {};
    // The share arrives (immediately, as for a replica alone in its group) during the first wait.
    const sleep = async (ms: number) => {
      c.t += ms;
      if (c.t >= 300) holder.limiter?.setMaxRequests(5, { immediate: true });
    };
    const limiter = createPortalRateLimiter({ maxRequests: 0, windowMs: 10_000, now: () => c.t, sleep });
    holder.limiter = limiter;
    await limiter.acquire(1);
    expect(c.t).toBeLessThanOrEqual(400);
  });

  it('keeps portals independent', async () => {
    const { c, now, sleep } = clock();
    const limiter = createPortalRateLimiter({ maxRequests: 1, windowMs: 10_000, now, sleep });
    await limiter.acquire(1);
    await limiter.acquire(2);
    expect(c.sleeps).toEqual([]);
    await limiter.acquire(1);
    expect(c.sleeps).toEqual([10_000]);
  });

  it('holds a paused portal until the pause ends', async () => {
    const { c, now, sleep } = clock();
    const limiter = createPortalRateLimiter({ maxRequests: 100, windowMs: 10_000, now, sleep });
    limiter.pause(1, 4_000);
    limiter.pause(1, 2_000); // an earlier end does not shorten the pause
    await limiter.acquire(1);
    expect(c.t).toBe(4_000);
    await limiter.acquire(2);
    expect(c.sleeps).toEqual([4_000]);
  });
});

describe('createSemaphore', () => {
  it('never runs more than max tasks at once and runs them all', async () => {
    const sem = createSemaphore(2);
    const tick = () => new Promise((r) => setImmediate(r));
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const gates: Array<() => void> = [];
    const tasks = Array.from({ length: 5 }, (_, i) =>
      sem.run(async () => {
        active++;
        peak = Math.max(peak, active);
        started.push(i);
        await new Promise<void>((resolve) => gates.push(resolve));
        active--;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    while (gates.length > 0) {
      gates.shift()?.();
      await tick();
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]); // arrival order
    expect(peak).toBe(2);
  });

  it('releases the slot when a task throws', async () => {
    const sem = createSemaphore(1);
    await expect(sem.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await sem.run(async () => 'next')).toBe('next');
  });
});
