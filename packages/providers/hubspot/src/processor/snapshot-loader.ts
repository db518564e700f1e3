import { MAX_IDS_PER_CALL } from '../batch-read/client.js';
import { type BatchReadClient } from '../batch-read/types.js';
import type { Logger } from '@hookstream/observability';
import { createSnapshotCache, type ReadResult } from './snapshot-cache.js';

export interface LoadRequest {
  portalId: number;
  objectType: string;
  properties: readonly string[];
  /** `fresh`: the event changes the object's existence (deletion, restore, merge): no cached or in-flight read. */
  ids: ReadonlyArray<{ id: string; fresh?: boolean }>;
}

/**
 * - `inline`: a Kafka batch. During a burst, ids that would have to wait for a not-yet-full read
 *   come back `deferred` (a promise) instead of holding the partition.
 * - `wait`: waits for everything (the sweeper).
 * - `background`: waits for everything and never makes a partial read happen sooner.
 */
export type LoadMode = 'inline' | 'wait' | 'background';

export type LoadOutcome = ReadResult | { kind: 'deferred'; result: Promise<ReadResult> };

export interface SnapshotLoaderOptions {
  client: BatchReadClient;
  now: () => number;
  /** Cache lifetime of a read; 0 = no cache. */
  ttlMs: number;
  maxEntries: number;
  /**
   * How long a not-yet-full read waits for more ids once no new id has arrived. 0 = no waiting:
   * every batch reads its objects at once (one call per batch and type, as before).
   */
  lingerMs: number;
  /** With no burst going on, how long a partial read waits for other batches that are still running. @default 20 */
  graceMs?: number;
  log: Logger;
}

export interface LoaderStats {
  /** Objects served from the cache. */
  hits: number;
  /** Objects that joined a read already queued or in flight. */
  coalesced: number;
  /** batch-read calls made (each up to 100 ids). */
  reads: number;
  /** …of which carried fewer than 100 ids, by why they went out early. */
  partialReads: number;
  partialBy: { quiet: number; idle: number; age: number; flush: number; unbatched: number };
  /** Objects whose read was still queued when their batch was ready (completed after commit). */
  deferred: number;
}

export interface SnapshotLoader {
  load(req: LoadRequest, mode: LoadMode): Promise<Map<string, LoadOutcome>>;
  /** Counts `fn` (a batch handler) as running: while it runs, a partial read may still fill up. */
  participate<T>(fn: () => Promise<T>): Promise<T>;
  /** Sends everything queued now (shutdown). */
  flush(): void;
  readonly stats: LoaderStats;
}

interface Queued {
  id: string;
  key: string;
  enqueuedAt: number;
  promise: Promise<ReadResult>;
  resolve: (r: ReadResult) => void;
  dispatched: boolean;
  /** Calls blocked until this id's read is sent. */
  blockers: Set<Call>;
}

interface Call {
  mode: 'inline' | 'wait';
  /** Own ids still queued (not yet sent). */
  queued: number;
  release: () => void;
}

interface Group {
  portalId: number;
  objectType: string;
  properties: string[];
  /** Insertion order = FIFO: the oldest ids go out first. */
  queue: Map<string, Queued>;
  lastEnqueueAt: number;
  timer: NodeJS.Timeout | undefined;
}

type Why = keyof LoaderStats['partialBy'];

const clock = () => performance.now();

/**
 * A burst: at least half a call's worth of new ids within the window, or already two partial
 * reads that waiting batches forced. A burst that starts on an idle processor (small batches,
 * each round waiting on its own read) so costs one or two extra reads, while one small delivery
 * (a few objects over a few partitions) is still read inline.
 */
const BURST_IDS = MAX_IDS_PER_CALL / 2;
const QUIET_READS_FOR_BURST = 2;

/**
 * One replica's HubSpot read planner: a snapshot cache, request coalescing (one read per object
 * in flight, shared by every partition that asks), and aggregation of ids across Kafka batches
 * into full 100-id calls, so an import-like burst costs about ceil(distinct objects / 100) calls.
 *
 * When does a read with fewer than 100 ids go out?
 * - no burst (within the last 5 × lingerMs: fewer than 50 new ids and fewer than two such partial
 *   reads): as soon as every running batch waits on it (plus graceMs), when nobody could add ids;
 * - during a burst: never because someone waits. Batches do not wait for such ids (they get
 *   `deferred`); the read goes out once 100 ids are queued, or when no batch is running and no new
 *   id came for lingerMs (the burst is over), or 10 × lingerMs after its oldest id at the latest.
 */
export function createSnapshotLoader(opts: SnapshotLoaderOptions): SnapshotLoader {
  const cache = createSnapshotCache({ ttlMs: opts.ttlMs, maxEntries: opts.maxEntries, now: opts.now });
  const inflight = new Map<string, Queued>();
  const groups = new Map<string, Group>();
  const stats: LoaderStats = {
    hits: 0,
    coalesced: 0,
    reads: 0,
    partialReads: 0,
    partialBy: { quiet: 0, idle: 0, age: 0, flush: 0, unbatched: 0 },
    deferred: 0,
  };
  const grace = opts.graceMs ?? 20;
  const maxWait = 10 * opts.lingerMs;
  // Long enough to bridge a stall of the pipeline (a slow commit, a fetch round) inside one burst.
  const burstWindow = Math.max(5 * opts.lingerMs, 1_000);
  const recent: Array<{ at: number; n: number }> = [];
  /** When recent partial reads went out because everyone waited (see isBurst). */
  const quietReads: number[] = [];
  const blocked = new Set<Call>();
  let active = 0;
  let graceTimer: NodeJS.Timeout | undefined;

  /** See BURST_IDS and QUIET_READS_FOR_BURST. */
  function isBurst(): boolean {
    const since = clock() - burstWindow;
    while (recent.length > 0 && (recent[0] as { at: number }).at < since) recent.shift();
    while (quietReads.length > 0 && (quietReads[0] as number) < since) quietReads.shift();
    if (quietReads.length >= QUIET_READS_FOR_BURST) return true;
    let n = 0;
    for (const r of recent) n += r.n;
    return n >= BURST_IDS;
  }

  function releaseCall(call: Call): void {
    if (!blocked.delete(call)) return;
    call.release();
  }

  function dispatch(group: Group, entries: Queued[], why: Why): void {
    if (entries.length === 0) return;
    for (const e of entries) {
      group.queue.delete(e.id);
      e.dispatched = true;
      inflight.set(e.key, e);
      for (const call of e.blockers) if (--call.queued === 0) releaseCall(call);
      e.blockers.clear();
    }
    stats.reads++;
    if (entries.length < MAX_IDS_PER_CALL) {
      stats.partialReads++;
      stats.partialBy[why]++;
    }
    const readAt = opts.now();
    opts.client
      .read({ portalId: group.portalId, objectType: group.objectType, ids: entries.map((e) => e.id), properties: group.properties })
      .then(
        (res) => {
          for (const e of entries) {
            const found = res.found.get(e.id);
            const r: ReadResult = found ? { kind: 'found', obj: found } : { kind: 'notFound' };
            cache.set(e.key, r, readAt);
            e.resolve(r);
          }
        },
        (error: unknown) => {
          for (const e of entries) e.resolve({ kind: 'error', error });
        },
      )
      .finally(() => {
        for (const e of entries) if (inflight.get(e.key) === e) inflight.delete(e.key);
      });
  }

  function take(group: Group): Queued[] {
    const out: Queued[] = [];
    for (const e of group.queue.values()) {
      out.push(e);
      if (out.length === MAX_IDS_PER_CALL) break;
    }
    return out;
  }

  function flushGroup(group: Group, why: Why): void {
    clearTimeout(group.timer);
    group.timer = undefined;
    while (group.queue.size > 0) dispatch(group, take(group), why);
  }

  /** When the oldest id still queued arrived. */
  const oldestAt = (group: Group): number => group.queue.values().next().value?.enqueuedAt ?? clock();

  /** Idle (lingerMs after the last new id, no batch running) or age (10 × lingerMs) flush of a partial read. */
  function arm(group: Group, minDelay = 0): void {
    clearTimeout(group.timer);
    group.timer = undefined;
    if (group.queue.size === 0) return;
    const due = Math.min(group.lastEnqueueAt + opts.lingerMs, oldestAt(group) + maxWait);
    group.timer = setTimeout(
      () => {
        group.timer = undefined;
        const t = clock() + 1;
        // Idle only counts once no batch is running: a running batch may still bring ids (a slow
        // commit or fetch can pause new ids for longer than the linger in the middle of a burst).
        if (t >= group.lastEnqueueAt + opts.lingerMs && active === 0) flushGroup(group, 'idle');
        else if (t >= oldestAt(group) + maxWait) flushGroup(group, 'age');
        else arm(group, Math.min(opts.lingerMs, 250));
      },
      Math.max(minDelay, due - clock()),
    );
    group.timer.unref?.();
  }

  /** No burst and every running batch waits: nobody can add ids, read what is queued. */
  function evaluate(): void {
    if (blocked.size === 0 || blocked.size < active || graceTimer || isBurst()) return;
    graceTimer = setTimeout(() => {
      graceTimer = undefined;
      if (blocked.size === 0 || blocked.size < active) return;
      if (isBurst()) {
        // Became a burst while they waited: batches stop waiting, their ids are deferred.
        for (const c of [...blocked]) if (c.mode === 'inline') releaseCall(c);
        return;
      }
      quietReads.push(clock());
      for (const g of groups.values()) if ([...g.queue.values()].some((e) => e.blockers.size > 0)) flushGroup(g, 'quiet');
    }, grace);
  }

  function groupFor(req: LoadRequest): Group {
    const key = `${req.portalId}|${req.objectType}|${req.properties.join(',')}`;
    let g = groups.get(key);
    if (!g) {
      g = { portalId: req.portalId, objectType: req.objectType, properties: [...req.properties], queue: new Map(), lastEnqueueAt: 0, timer: undefined };
      groups.set(key, g);
    }
    return g;
  }

  return {
    stats,
    async load(req, mode) {
      const group = groupFor(req);
      const results = new Map<string, LoadOutcome>();
      const pending: Array<Promise<void>> = [];
      const mine: Queued[] = [];
      let misses = 0;
      for (const { id, fresh } of req.ids) {
        if (results.has(id) || mine.some((q) => q.id === id)) continue;
        const key = `${req.portalId}:${req.objectType}:${id}`;
        if (!fresh) {
          const hit = cache.get(key);
          if (hit) {
            stats.hits++;
            results.set(id, hit);
            continue;
          }
          const flying = inflight.get(key);
          if (flying) {
            stats.coalesced++;
            pending.push(flying.promise.then((r) => void results.set(id, r)));
            continue;
          }
        }
        let q = group.queue.get(id);
        if (q) stats.coalesced++;
        else {
          let resolve!: (r: ReadResult) => void;
          const promise = new Promise<ReadResult>((r) => (resolve = r));
          q = { id, key, enqueuedAt: clock(), promise, resolve, dispatched: false, blockers: new Set() };
          group.queue.set(id, q);
          misses++;
        }
        mine.push(q);
      }
      if (misses > 0) {
        group.lastEnqueueAt = clock();
        recent.push({ at: group.lastEnqueueAt, n: misses });
      }
      if (opts.lingerMs <= 0) flushGroup(group, 'unbatched');
      else {
        while (group.queue.size >= MAX_IDS_PER_CALL) dispatch(group, take(group), 'unbatched');
        arm(group);
        // A burst has begun: batches waiting on partial reads stop waiting (their ids are deferred).
        if (isBurst()) for (const c of [...blocked]) if (c.mode === 'inline') releaseCall(c);
      }

      const waiting = mine.filter((q) => !q.dispatched);
      for (const q of mine) if (q.dispatched) pending.push(q.promise.then((r) => void results.set(q.id, r)));
      const defer = (q: Queued) => {
        stats.deferred++;
        results.set(q.id, { kind: 'deferred', result: q.promise });
      };
      if (waiting.length > 0) {
        if (mode === 'background') for (const q of waiting) pending.push(q.promise.then((r) => void results.set(q.id, r)));
        else if (mode === 'inline' && isBurst()) waiting.forEach(defer);
        else {
          const call: Call = { mode, queued: waiting.length, release: () => undefined };
          await new Promise<void>((release) => {
            call.release = release;
            for (const q of waiting) q.blockers.add(call);
            blocked.add(call);
            evaluate();
          });
          for (const q of waiting) {
            q.blockers.delete(call);
            if (q.dispatched) pending.push(q.promise.then((r) => void results.set(q.id, r)));
            else defer(q);
          }
        }
      }
      await Promise.all(pending);
      return results;
    },
    async participate(fn) {
      active++;
      try {
        return await fn();
      } finally {
        active--;
        evaluate();
      }
    },
    flush() {
      for (const g of groups.values()) flushGroup(g, 'flush');
    },
  };
}
