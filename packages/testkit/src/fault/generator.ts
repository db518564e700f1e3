import { signedHeaders, type HubSpotEvent } from '@hookstream/hubspot';
import { createLedger, type DeliveryOutcome, type Ledger } from './ledger.js';
import type { Random } from './random.js';
import type { Workload } from './workload.js';

export interface GeneratorOptions {
  /** The edge's webhook URL, e.g. http://127.0.0.1:PORT/webhooks/hubspot (also the signed URL). */
  url: string;
  secret: string;
  workload: Workload;
  random: Random;
  /** New deliveries started per second (retries come on top). */
  requestsPerSecond: number;
  /** Deliveries in flight at once; a tick that finds them all busy is skipped (and counted). @default 8 */
  maxInFlight?: number;
  /** A reply slower than this counts as a failed delivery, like HubSpot's 5 s. @default 10 000 */
  requestTimeoutMs?: number;
  /** Share of deliveries that are deliberately bad (wrong secret, expired timestamp, invalid event). @default 0.05 */
  badRate?: number;
  /** Share of a good delivery's events that re-post an acknowledged event with attemptNumber + 1. @default 0.08 */
  repostRate?: number;
  /** Share of good deliveries that repeat one of their own events. @default 0.1 */
  inBatchDuplicateRate?: number;
  /** First retry delay of a failed delivery (5xx, 429, 408, timeout); doubles up to 8×; a longer Retry-After (≤ 30 s) wins. @default 1 000 */
  retryBaseMs?: number;
  now?: () => number;
  /** Called once per answered or failed request, for timelines (when the edge stopped answering 2xx, for how long). */
  onAnswer?: (answer: DeliveryAnswer) => void;
}

export interface DeliveryAnswer {
  /** When the request was sent and when its answer (or failure) came, by `now`. */
  sentAt: number;
  answeredAt: number;
  /** The ledger's label: "200", "503", "timeout", "network", … */
  label: string;
  outcome: DeliveryOutcome;
  /** 0 for a first delivery, n for its n-th retry. */
  attempt: number;
  events: number;
}

export interface GeneratorStats {
  ticksSkipped: number;
  retriesSent: number;
  retriesPending: number;
  inFlight: number;
}

export interface TrafficGenerator {
  readonly ledger: Ledger;
  start(): void;
  /** Stops starting new deliveries and waits for the ones in flight. Retries stay queued. */
  stop(): Promise<void>;
  /** Re-posts failed deliveries (as HubSpot would) until none is left or `timeoutMs` passes; returns how many are left. */
  drainRetries(timeoutMs: number): Promise<number>;
  stats(): GeneratorStats;
}

type BadKind = 'bad-signature' | 'expired' | 'invalid-event';

interface Delivery {
  events: HubSpotEvent[];
  bad?: BadKind;
  attempt: number;
  dueAt: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * HubSpot-like sender: signed v3 batches of 1–100 events at a steady rate, with re-posted and
 * repeated events, out-of-order occurredAt (from the workload), some bad requests, and
 * HubSpot's own behaviour on failure: a 5xx or a timeout makes it retry the delivery later
 * with attemptNumber + 1. Every outcome goes into the ledger.
 */
export function createTrafficGenerator(opts: GeneratorOptions): TrafficGenerator {
  const { random, workload } = opts;
  const now = opts.now ?? Date.now;
  const maxInFlight = opts.maxInFlight ?? 8;
  const timeoutMs = opts.requestTimeoutMs ?? 10_000;
  const retryBase = opts.retryBaseMs ?? 1_000;
  const ledger = createLedger();
  const ackedPool: HubSpotEvent[] = [];
  const retries: Delivery[] = [];
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let loop: Promise<void> | undefined;
  let ticksSkipped = 0;
  let retriesSent = 0;

  const batchSize = (): number => {
    const r = random.next();
    if (r < 0.5) return random.int(1, 10);
    if (r < 0.85) return random.int(11, 50);
    return random.int(51, 100);
  };

  const goodDelivery = (): Delivery => {
    const n = batchSize();
    const events: HubSpotEvent[] = [];
    for (let i = 0; i < n; i++) {
      const old = ackedPool.length > 0 && random.chance(opts.repostRate ?? 0.08) ? random.pick(ackedPool) : undefined;
      if (old) {
        events.push({ ...old, attemptNumber: old.attemptNumber + 1 });
        ledger.duplicateCopies += 1;
      } else {
        events.push(workload.next());
      }
    }
    if (random.chance(opts.inBatchDuplicateRate ?? 0.1)) {
      events.push({ ...random.pick(events) });
      ledger.duplicateCopies += 1;
    }
    return { events: random.shuffle(events), attempt: 0, dueAt: 0 };
  };

  const badDelivery = (): Delivery => {
    const events = Array.from({ length: random.int(1, 20) }, () => workload.next());
    return { events, bad: random.pick(['bad-signature', 'expired', 'invalid-event'] as const), attempt: 0, dueAt: 0 };
  };

  const request = (d: Delivery): { body: string; headers: Record<string, string> } => {
    const payload: unknown[] =
      d.bad === 'invalid-event' ? d.events.map((e, i) => (i === d.events.length - 1 ? { ...e, objectId: 'not-a-number' } : e)) : d.events;
    const body = JSON.stringify(payload);
    const secret = d.bad === 'bad-signature' ? `${opts.secret}-wrong` : opts.secret;
    const timestamp = d.bad === 'expired' ? now() - 10 * 60_000 : now();
    return { body, headers: signedHeaders({ secret, version: 'v3', url: opts.url, body, timestamp }) };
  };

  const send = async (d: Delivery): Promise<void> => {
    const { body, headers } = request(d);
    ledger.eventCopies += d.events.length;
    const sentAt = now();
    let label: string;
    let status = 0;
    let retryAfterMs = 0;
    try {
      const res = await fetch(opts.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
      status = res.status;
      label = String(status);
      const ra = Number(res.headers.get('retry-after'));
      if (Number.isFinite(ra) && ra > 0) retryAfterMs = Math.min(ra, 30) * 1000;
    } catch (err) {
      label = (err as Error).name === 'TimeoutError' ? 'timeout' : 'network';
    }
    // 429 (pushing back) and 408 (the request arrived too slowly) are no verdict on the
    // delivery: retried like a 5xx. Any other 4xx is a refusal.
    const outcome: DeliveryOutcome =
      status >= 200 && status < 300 ? 'acknowledged' : status >= 400 && status < 500 && status !== 429 && status !== 408 ? 'refused' : 'unacknowledged';
    opts.onAnswer?.({ sentAt, answeredAt: now(), label, outcome, attempt: d.attempt, events: d.events.length });
    if (outcome === 'acknowledged') {
      ledger.record(d.events, 'acknowledged', label);
      for (const e of d.events) ackedPool.push(e);
      if (ackedPool.length > 5_000) ackedPool.splice(0, ackedPool.length - 5_000);
      if (d.bad) ledger.unexpectedAcceptances += 1;
      return;
    }
    if (outcome === 'refused') {
      ledger.record(d.events, 'refused', label);
      if (!d.bad) ledger.unexpectedRefusals += 1;
      return;
    }
    // 5xx, 429, 408, timeout, network: HubSpot retries the same delivery later, attemptNumber + 1.
    ledger.record(d.events, 'unacknowledged', label);
    const attempt = d.attempt + 1;
    const delay = Math.max(retryAfterMs, retryBase * 2 ** Math.min(attempt - 1, 3));
    retries.push({ ...d, events: d.events.map((e) => ({ ...e, attemptNumber: e.attemptNumber + 1 })), attempt, dueAt: now() + delay });
  };

  const launch = (d: Delivery): void => {
    const p = send(d).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const launchDueRetries = (): void => {
    const t = now();
    for (let i = 0; i < retries.length && inFlight.size < maxInFlight;) {
      const r = retries[i] as Delivery;
      if (r.dueAt > t) {
        i++;
        continue;
      }
      retries.splice(i, 1);
      retriesSent += 1;
      launch(r);
    }
  };

  const run = async (): Promise<void> => {
    const interval = 1000 / opts.requestsPerSecond;
    let next = now();
    while (running) {
      launchDueRetries();
      if (inFlight.size < maxInFlight) launch(random.chance(opts.badRate ?? 0.05) ? badDelivery() : goodDelivery());
      else ticksSkipped += 1;
      next += interval;
      const wait = next - now();
      // After a long stall (event loop busy), do not burst to catch up: keep the steady rate.
      if (wait < -interval * 5) next = now();
      await sleep(Math.max(0, wait));
    }
  };

  return {
    ledger,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      await loop;
      await Promise.all([...inFlight]);
    },
    async drainRetries(ms) {
      const deadline = now() + ms;
      while ((retries.length > 0 || inFlight.size > 0) && now() < deadline) {
        launchDueRetries();
        await sleep(100);
      }
      await Promise.all([...inFlight]);
      return retries.length;
    },
    stats: () => ({ ticksSkipped, retriesSent, retriesPending: retries.length, inFlight: inFlight.size }),
  };
}
