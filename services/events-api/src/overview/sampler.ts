import type { Logger } from '@hookstream/observability';
import { parsePromText } from './prom-text.js';
import { counterRates, type CounterSnapshot } from './rates.js';
import { createRing, type Ring } from './ring.js';
import { combineReadings, counterSnapshot, targetReadings, type Readings } from './series.js';
import { describeScrapeError, type MetricsTarget } from './targets.js';

/** One sample of the fleet: what the answering targets said, and which did not answer. */
export interface OverviewPoint {
  at: number;
  /** Names of the targets that failed this scrape: the point lacks their share. */
  down: string[];
  readings: Readings;
}

export interface TargetHealth {
  name: string;
  /** null until the first scrape finished. */
  up: boolean | null;
  lastScrapeAt: number | null;
  lastSuccessAt: number | null;
  /** Why the last scrape failed; null when it succeeded. */
  error: string | null;
}

export interface OverviewSampler {
  /** Samples at once, then every intervalMs. */
  start(): void;
  /** No more samples; waits for one in flight. */
  stop(): Promise<void>;
  /** One sample now (start() runs these on its timer; tests call it directly). */
  sample(): Promise<void>;
  points(): OverviewPoint[];
  health(): TargetHealth[];
  readonly intervalMs: number;
  readonly historyMs: number;
}

export interface SamplerOptions {
  targets: readonly MetricsTarget[];
  intervalMs: number;
  log: Logger;
  /** How much history the ring holds; default one hour. */
  historyMs?: number;
  /** Default 5 s. */
  scrapeTimeoutMs?: number;
  now?: () => number;
}

const HOUR_MS = 3_600_000;
/**
 * A scrape slower than this is a failure. Independent of the interval: a process's first
 * scrape (its lag gauge connecting to the broker) may take over a second, and samples never
 * overlap anyway (a slow one delays the next).
 */
const SCRAPE_TIMEOUT_MS = 5_000;

/** The read, failed at the deadline even if it ignores its signal (an in-process registry does): a hung target must not stall sampling. */
function withDeadline<T>(read: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  return Promise.race([
    read(signal),
    new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })),
  ]);
}

export function createOverviewSampler(opts: SamplerOptions): OverviewSampler {
  const now = opts.now ?? Date.now;
  const historyMs = opts.historyMs ?? HOUR_MS;
  const timeoutMs = opts.scrapeTimeoutMs ?? SCRAPE_TIMEOUT_MS;
  // One more slot than the hour needs, so a full hour spans first to last point.
  const ring: Ring<OverviewPoint> = createRing(Math.ceil(historyMs / opts.intervalMs) + 1);
  const last = new Map<string, CounterSnapshot>();
  const health = new Map<string, TargetHealth>(
    opts.targets.map((t) => [t.name, { name: t.name, up: null, lastScrapeAt: null, lastSuccessAt: null, error: null }]),
  );
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const scrape = async (target: MetricsTarget, at: number): Promise<Readings | undefined> => {
    const h = health.get(target.name) as TargetHealth;
    h.lastScrapeAt = at;
    try {
      const families = parsePromText(await withDeadline(target.read.bind(target), timeoutMs));
      const snapshot = counterSnapshot(families, at);
      const rates = counterRates(last.get(target.name), snapshot);
      last.set(target.name, snapshot);
      Object.assign(h, { up: true, lastSuccessAt: at, error: null });
      return targetReadings(families, rates);
    } catch (err) {
      const error = describeScrapeError(err, timeoutMs);
      if (h.up !== false) opts.log.warn({ target: target.name, error }, 'overview: a metrics target did not answer');
      Object.assign(h, { up: false, error });
      return undefined;
    }
  };

  const sample = async (): Promise<void> => {
    const at = now();
    const results = await Promise.all(opts.targets.map((t) => scrape(t, at)));
    const answered = results.filter((r): r is Readings => r !== undefined);
    const down = opts.targets.filter((_, i) => results[i] === undefined).map((t) => t.name);
    ring.push({ at, down, readings: combineReadings(answered) });
  };

  const tick = (): void => {
    // Never two samples at once: a slow one delays the next instead of overlapping it.
    if (running) return;
    running = sample().finally(() => {
      running = undefined;
    });
  };

  return {
    intervalMs: opts.intervalMs,
    historyMs,
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, opts.intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
    sample,
    points: () => ring.items(),
    health: () => [...health.values()].map((h) => ({ ...h })),
  };
}
