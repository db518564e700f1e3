import type { AttemptResult, DeliverableEvent, DeliveryStore, DueDelivery, EndpointStore } from '@hookstream/deliveries';
import type { Logger } from '@hookstream/observability';
import type { Courier } from './courier.js';
import type { Recorder } from './recorder.js';
import type { RoutingTable } from './routing.js';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';

export interface LaneDeps {
  deliveries: DeliveryStore;
  endpoints: EndpointStore;
  routing: RoutingTable;
  courier: Courier;
  recorder: Recorder;
  log: Logger;
  defaultConcurrency: number;
  disableAfterMs: number;
  /** Due deliveries read ahead per database read, beyond the free slots. */
  prefetch?: number;
  onAttempt?: (endpointId: string, kind: string, result: AttemptResult) => void;
  now?: () => number;
}

export interface Lane {
  /** Something may be due: new deliveries, a finished attempt. `rescan`: also look for retries due later (after a change made elsewhere). */
  kick(rescan?: boolean): void;
  /** Deliveries just created and due now, so the lane need not read them back from the database. */
  offer(rows: readonly DueDelivery[]): void;
  /** Starts nothing new; resolves when the attempts in flight are recorded. */
  stop(): Promise<void>;
  inFlight(): number;
}

/** Timers further out than this are re-armed: setTimeout caps at 2^31 ms, and a re-check costs little. */
const MAX_TIMER_MS = 60_000;
/** Offered deliveries held in memory at most; beyond it they are read from the database when their turn comes. */
const MAX_AHEAD = 1000;
/** Ledger rows loaded per query, ahead of the deliveries that start now. */
const LOAD_AHEAD = 50;

/**
 * One endpoint's deliveries on the replica that owns the endpoint's partition. The database is
 * the queue; memory holds only what is read ahead and in flight. A lane never waits on another
 * lane: each has its own slots, timer and read-ahead, so a slow or failing endpoint only fills
 * its own slots. Parallel lanes take whatever is due (a retry waiting for its time holds nothing
 * up); an ordered lane sends its oldest pending delivery and nothing else until it is settled.
 */
export function createLane(endpointId: string, d: LaneDeps): Lane {
  const now = d.now ?? Date.now;
  const prefetch = d.prefetch ?? 50;
  /** Deliveries started and not yet recorded: never read again meanwhile. */
  const inflight = new Set<number>();
  /** Requests the endpoint is answering now: what maxInFlight limits. */
  let sending = 0;
  /** Due deliveries read or offered but not started, and their ids. */
  const ahead: DueDelivery[] = [];
  const queued = new Set<number>();
  /** Ledger rows of deliveries about to start. */
  const loaded = new Map<number, DeliverableEvent>();
  /** Whether pending deliveries may be due later than any timer this lane holds (at start, after outside changes). */
  let rescan = true;
  let pumping = false;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Infinity;
  let bucket: TokenBucket | null = null;
  let idle: (() => void) | null = null;

  const wakeAt = (at: number): void => {
    if (stopped || at >= timerAt) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(
      () => {
        timer = null;
        timerAt = Infinity;
        // The timer may have been capped or replaced by an earlier one: look again for what is due later.
        rescan = true;
        kick();
      },
      Math.min(Math.max(0, at - now()), MAX_TIMER_MS),
    );
  };

  const limiter = (rate: number | null): TokenBucket | null => {
    if (rate === null) return (bucket = null);
    if (!bucket || bucket.rate !== rate) bucket = createTokenBucket(rate, now);
    return bucket;
  };

  /** One request's deliveries (one, or a batch for destinations that take many): send, record, learn. */
  const settle = async (batch: readonly DueDelivery[], ordered: boolean): Promise<void> => {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      sending--;
    };
    try {
      const route = d.routing.get(endpointId);
      if (!route) return;
      const missing = batch.filter((x) => !loaded.has(x.eventId)).map((x) => x.eventId);
      if (missing.length > 0) for (const [id, e] of await d.courier.load(missing)) loaded.set(id, e);
      const results = await d.courier.attempt(route, batch, loaded);
      for (const x of batch) loaded.delete(x.eventId);
      // The endpoint is done with this request: a parallel lane may send the next one while these
      // results are written (the deliveries stay excluded from reads until they are). An ordered
      // lane waits for the write, so its next delivery never overtakes an unrecorded one.
      if (!ordered) {
        release();
        kick();
      }
      await Promise.all(results.map((r) => d.recorder.record(r)));
      for (const r of results) {
        if (r.state === 'pending' && r.nextAttemptAt > now()) wakeAt(r.nextAttemptAt);
        d.onAttempt?.(endpointId, route.endpoint.kind, r);
      }
      // The endpoint's health follows the request: one success means it is reachable.
      const first = results.find((r) => r.attempt.outcome === 'succeeded') ?? results.find((r) => r.attempt.outcome === 'gone') ?? results[0];
      if (first) await afterAttempt(first.attempt.outcome, first.attempt.status, first.attempt.error);
    } catch (err) {
      // Not recorded: the deliveries are still pending in the database and are tried again after a pause.
      d.log.warn({ endpointId, deliveries: batch.length, err: (err as Error).message }, 'delivery attempt could not be completed');
      wakeAt(now() + 1000);
    } finally {
      release();
      for (const x of batch) inflight.delete(x.eventId);
      if (inflight.size === 0) idle?.();
      kick();
    }
  };

  const afterAttempt = async (outcome: string, status: number | null, error: string | null): Promise<void> => {
    const route = d.routing.get(endpointId);
    if (!route) return;
    const t = now();
    if (outcome === 'succeeded') {
      if (route.endpoint.failingSince !== null) {
        await d.endpoints.markHealthy(endpointId);
        d.routing.patch(endpointId, { failingSince: null });
      }
      return;
    }
    if (outcome === 'gone') {
      const reason = 'the endpoint answered 410 Gone';
      await d.endpoints.disable(endpointId, reason, t);
      d.routing.patch(endpointId, { enabled: false, disabledReason: reason, disabledAt: t });
      d.log.warn({ endpointId }, 'endpoint disabled: it answered 410 Gone');
      return;
    }
    const since = route.endpoint.failingSince ?? (await d.endpoints.markFailing(endpointId, t));
    d.routing.patch(endpointId, { failingSince: since });
    if (t - since >= d.disableAfterMs) {
      const reason = `every attempt failed since ${new Date(since).toISOString()} (last: ${error ?? `HTTP ${status}`})`;
      await d.endpoints.disable(endpointId, reason, t);
      d.routing.patch(endpointId, { enabled: false, disabledReason: reason, disabledAt: t });
      d.log.warn({ endpointId, failingSinceMs: t - since }, 'endpoint disabled: failing for too long');
    }
  };

  /** Loads the ledger rows of what starts now and of the next few ahead, in one query. */
  const loadFor = async (starting: readonly DueDelivery[]): Promise<void> => {
    const need = [...starting, ...ahead.slice(0, LOAD_AHEAD)].map((x) => x.eventId).filter((id) => !loaded.has(id));
    if (need.length === 0) return;
    for (const [id, e] of await d.courier.load(need)) loaded.set(id, e);
  };

  let unsendableLogged = false;

  /** Starts what may start now; whatever it returns early on, what it picked is started. */
  const fill = async (): Promise<void> => {
    const route = d.routing.get(endpointId);
    if (!route || !route.endpoint.enabled || stopped) {
      ahead.length = 0;
      queued.clear();
      loaded.clear();
      return;
    }
    const destination = d.courier.destinationOf(route);
    if (!destination) {
      // Its deliveries wait, pending, until a dispatcher that can send them (its settings given) owns the endpoint.
      if (!unsendableLogged) d.log.error({ endpointId, kind: route.endpoint.kind }, 'no destination for this endpoint kind here; its deliveries wait');
      unsendableLogged = true;
      return;
    }
    const ep = route.endpoint;
    const limit = ep.ordered ? 1 : (ep.maxInFlight ?? d.defaultConcurrency);
    const perRequest = ep.ordered ? 1 : Math.max(1, destination.maxBatch);
    const bucket = limiter(ep.rateLimitPerSecond);
    const starting: DueDelivery[][] = [];
    try {
      while (sending < limit) {
        if (bucket && !bucket.take()) {
          wakeAt(now() + bucket.waitMs());
          return;
        }
        const batch = ep.ordered ? await readHeadBatch() : await takeBatch(limit, perRequest);
        if (batch.length === 0) {
          bucket?.giveBack();
          return;
        }
        sending++;
        starting.push(batch);
      }
    } finally {
      if (starting.length > 0) {
        await loadFor(starting.flat()).catch(() => undefined);
        for (const batch of starting) void settle(batch, ep.ordered);
      }
    }
  };

  /** An ordered lane's head when it is due (a head that is not yet due makes the whole endpoint wait). */
  const readHeadBatch = async (): Promise<DueDelivery[]> => {
    const head = await readHead();
    if (!head) return [];
    if (head.nextAttemptAt > now()) {
      wakeAt(head.nextAttemptAt);
      return [];
    }
    inflight.add(head.eventId);
    return [head];
  };

  /** Up to `perRequest` due deliveries for one request. */
  const takeBatch = async (limit: number, perRequest: number): Promise<DueDelivery[]> => {
    const batch: DueDelivery[] = [];
    for (let read = false; batch.length < perRequest;) {
      const next = takeAhead();
      if (next) {
        // In flight from here on, so the read below cannot bring the same delivery back into this batch.
        inflight.add(next.eventId);
        batch.push(next);
        continue;
      }
      if (read) break;
      read = true;
      await readAhead(limit, perRequest);
    }
    return batch;
  };

  const takeAhead = (): DueDelivery | undefined => {
    const next = ahead.shift();
    if (next) queued.delete(next.eventId);
    return next;
  };

  /** An ordered lane re-reads its head every time: a manual retry may have made it due. */
  const readHead = async (): Promise<DueDelivery | undefined> => (inflight.size > 0 ? undefined : ((await d.deliveries.head(endpointId, [])) ?? undefined));

  const readAhead = async (limit: number, perRequest: number): Promise<void> => {
    const t = now();
    // A batching destination (Meta: 1,000 per request) reads at most a couple of requests ahead.
    const want = Math.min((limit - sending) * perRequest + prefetch, 2 * perRequest + prefetch);
    const rows = await d.deliveries.due(endpointId, { now: t, limit: want, exclude: [...inflight] });
    for (const r of rows) {
      // An offer may have queued the same row while the read was under way.
      if (inflight.has(r.eventId) || queued.has(r.eventId)) continue;
      ahead.push(r);
      queued.add(r.eventId);
    }
    if (ahead.length === 0 && rescan) {
      rescan = false;
      const at = await d.deliveries.nextDueAt(endpointId, t);
      if (at !== null) wakeAt(at);
    }
  };

  const pump = async (): Promise<void> => {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        await fill();
      } while (again && !stopped);
    } catch (err) {
      d.log.warn({ endpointId, err: (err as Error).message }, 'reading due deliveries failed; retrying');
      wakeAt(now() + 1000);
    } finally {
      pumping = false;
    }
  };

  const kick = (): void => {
    if (!stopped) void pump();
  };

  return {
    kick(again) {
      if (again) rescan = true;
      kick();
    },
    offer(rows) {
      if (stopped) return;
      // An ordered lane goes by the database's order alone; offers only wake it.
      const route = d.routing.get(endpointId);
      if (route && !route.endpoint.ordered) {
        for (const r of rows) {
          if (ahead.length >= MAX_AHEAD) break;
          if (inflight.has(r.eventId) || queued.has(r.eventId)) continue;
          ahead.push(r);
          queued.add(r.eventId);
        }
      }
      kick();
    },
    async stop() {
      stopped = true;
      ahead.length = 0;
      queued.clear();
      loaded.clear();
      if (timer) clearTimeout(timer);
      if (inflight.size === 0) return;
      await new Promise<void>((resolve) => (idle = resolve));
    },
    inFlight: () => inflight.size,
  };
}
