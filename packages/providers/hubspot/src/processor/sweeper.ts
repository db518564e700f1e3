import type { Logger } from '@hookstream/observability';
import type { EventWriter, ObjectRef } from '../store/index.js';
import { refKey } from './decode.js';
import type { Enricher } from './enrich.js';
import { snapshotUpdate } from './state-updates.js';

export interface SweeperOptions {
  writer: EventWriter;
  enricher: Enricher;
  log: Logger;
  now: () => number;
  intervalMs: number;
  /** Rows claimed per pass; a lease keeps other replicas off them while HubSpot is asked. */
  batchSize?: number;
  leaseMs?: number;
}

export interface Sweeper {
  /** One pass; returns how many events it settled or rescheduled. Exposed for tests. */
  sweepOnce(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Retries enrichment of events stored as "pending" (HubSpot was down or rate-limited when
 * their batch went through). Runs in every replica; claims are leased rows, so replicas
 * share the work without reading the same object twice.
 */
export function createSweeper(opts: SweeperOptions): Sweeper {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  async function sweepOnce(): Promise<number> {
    const claimed = await opts.writer.claimDue({ now: opts.now(), limit: opts.batchSize ?? 500, leaseMs: opts.leaseMs ?? 60_000 });
    if (claimed.length === 0) return 0;
    const refs: ObjectRef[] = claimed.map((c) => ({ portalId: c.portalId, objectType: c.objectType, objectId: c.objectId }));
    const attempts = new Map<string, number>();
    for (const c of claimed) attempts.set(refKey(c), Math.max(attempts.get(refKey(c)) ?? 0, c.enrichmentAttempts));
    const outcomes = await opts.enricher.enrich(refs, attempts);
    const readAt = opts.now();
    const state = new Map<string, { ref: ObjectRef; updates: ReturnType<typeof snapshotUpdate>[] }>();
    const results = claimed.map((c) => {
      const o = outcomes.get(refKey(c)) ?? { state: 'pending' as const, snapshot: null, error: 'not attempted', nextAt: readAt + 60_000 };
      if (o.snapshot && !state.has(refKey(c)))
        state.set(refKey(c), { ref: { portalId: c.portalId, objectType: c.objectType, objectId: c.objectId }, updates: [snapshotUpdate(o.snapshot, readAt)] });
      return { id: c.id, state: o.state, enrichment: o.snapshot, error: o.error, nextAt: o.nextAt, attempts: c.enrichmentAttempts + 1 };
    });
    await opts.writer.completeEnrichment({ results, state: [...state.values()], now: readAt });
    opts.log.info({ events: claimed.length, objects: outcomes.size }, 'enrichment sweep');
    return claimed.length;
  }

  const loop = () => {
    if (stopped) return;
    running = sweepOnce()
      .catch((err: unknown) => opts.log.warn({ err }, 'enrichment sweep failed; will retry'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, opts.intervalMs);
      });
  };

  return {
    sweepOnce,
    start() {
      stopped = false;
      timer = setTimeout(loop, opts.intervalMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
