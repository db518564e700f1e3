import { HubSpotApiError, HubSpotAuthError, HubSpotNoTokenError } from '../batch-read/errors.js';
import { crmApiObjectType } from '../object-types.js';
import { type BatchReadClient, type CrmObject } from '../batch-read/types.js';
import type { Logger } from '@hookstream/observability';
import type { EnrichmentState, ObjectRef } from '../store/index.js';
import { backoffMs } from '@hookstream/pipeline';
import { refKey } from './decode.js';
import type { ReadResult } from './snapshot-cache.js';
import { createSnapshotLoader, type LoadOutcome, type SnapshotLoader } from './snapshot-loader.js';

export interface EnrichmentOutcome {
  state: EnrichmentState;
  snapshot: CrmObject | null;
  error: string | null;
  /** When a pending enrichment is tried again (epoch ms); null when final. */
  nextAt: number | null;
  /**
   * The object's read was still queued behind a burst: stored pending, completed after commit.
   * `rowIds`: the event rows the batch stored with this outcome (filled in once they are written).
   */
  deferred?: { ref: ObjectRef; result: Promise<ReadResult>; rowIds: number[] };
}

/** An object to enrich. `fresh`: an event that changes its existence (no cached snapshot may serve it). */
export interface EnrichRequest extends ObjectRef {
  fresh?: boolean;
}

/** A deferred object's outcome once its read landed, for the database. */
export interface DeferredOutcome {
  ref: ObjectRef;
  /** The event rows stored waiting for this read (by the batch now committed). */
  rowIds: readonly number[];
  outcome: EnrichmentOutcome;
  readAt: number;
}

/** Error text of rows stored while their read waits; completion only touches rows carrying it. */
export const DEFERRED_MARKER = 'awaiting a shared HubSpot batch read';

export interface EnricherOptions {
  client: BatchReadClient;
  enabled: boolean;
  properties: Readonly<Record<string, readonly string[]>>;
  retryBaseMs: number;
  retryMaxMs: number;
  now: () => number;
  log: Logger;
  /** Cache, coalescing and cross-batch aggregation. Default: no cache, no waiting (every call reads). */
  loader?: SnapshotLoader;
  /** Stores deferred outcomes once their read lands. Without it, batches wait for every read. */
  completeDeferred?: (outcomes: DeferredOutcome[]) => Promise<void>;
  /** How long a deferred row waits before the sweeper may take it over (crash, lost write). @default 60 s */
  deferredGraceMs?: number;
}

export interface Enricher {
  /**
   * One outcome per distinct object. Never throws for HubSpot trouble: failures become "pending"
   * outcomes with a retry time, so a HubSpot outage delays enrichment but never holds a partition.
   * @param attempts enrichment attempts already made per ref (keyed by refKey), default 0.
   * @param mode 'inline' (a Kafka batch: may defer during a burst) or 'wait' (default).
   */
  enrich(refs: readonly EnrichRequest[], attempts?: ReadonlyMap<string, number>, mode?: 'inline' | 'wait'): Promise<Map<string, EnrichmentOutcome>>;
  /** The batch holding these outcomes is committed: complete its deferred ones when their reads land. */
  committed?(outcomes: ReadonlyMap<string, EnrichmentOutcome>): void;
}

/** The processor's enricher: also aggregates reads across batches and completes deferred ones. */
export interface ProcessorEnricher extends Enricher {
  committed(outcomes: ReadonlyMap<string, EnrichmentOutcome>): void;
  /** Runs a batch handler as a participant of read aggregation. */
  participate<T>(fn: () => Promise<T>): Promise<T>;
  /** Sends queued reads and waits for deferred completions (shutdown). */
  drain(): Promise<void>;
  readonly loader: SnapshotLoader;
}

const final = (state: EnrichmentState, error: string | null, snapshot: CrmObject | null = null): EnrichmentOutcome => ({
  state,
  snapshot,
  error,
  nextAt: null,
});

export function createEnricher(opts: EnricherOptions): ProcessorEnricher {
  const retryAt = (attempt: number, minDelayMs = 0) => opts.now() + Math.max(minDelayMs, backoffMs(attempt, opts.retryBaseMs, opts.retryMaxMs));
  const loader = opts.loader ?? createSnapshotLoader({ client: opts.client, now: opts.now, ttlMs: 0, maxEntries: 1, lingerMs: 0, log: opts.log });
  const completions = new Set<Promise<void>>();
  const grace = opts.deferredGraceMs ?? 60_000;

  /** What one read said about one object, as an outcome; `logged` keeps one warning per failed read. */
  function outcomeOf(r: ReadResult, ref: ObjectRef, attempts: ReadonlyMap<string, number>, logged: Set<unknown>): EnrichmentOutcome {
    if (r.kind === 'found') return final('enriched', null, r.obj);
    if (r.kind === 'notFound') return final('not_found', 'object not found in HubSpot (deleted, merged away or never existed)');
    const err = r.error;
    const first = !logged.has(err);
    logged.add(err);
    if (err instanceof HubSpotNoTokenError && !err.retryable) return final('skipped', err.message.slice(0, 500));
    // Retryable: outages, rate limits, token refresh trouble (HubSpotOAuthError), and portals
    // waiting for an OAuth install (HubSpotNoTokenError with retryable set).
    const retryable = (err instanceof HubSpotApiError && err.retryable) || err instanceof HubSpotAuthError;
    if (!retryable) {
      if (first) opts.log.warn({ err, portalId: ref.portalId, objectType: ref.objectType }, 'enrichment refused by HubSpot; events stored unenriched');
      return final('skipped', (err as Error).message.slice(0, 500));
    }
    // Auth failures and missing installs wait the longest: a person fixes them, not time (an
    // install makes the portal's waiting events due at once, see makePortalEnrichmentDue).
    const minDelay =
      err instanceof HubSpotAuthError || err instanceof HubSpotNoTokenError ? opts.retryMaxMs : ((err as { retryAfterMs?: number }).retryAfterMs ?? 0);
    if (first) opts.log.warn({ err: (err as Error).message, portalId: ref.portalId, objectType: ref.objectType }, 'enrichment deferred');
    const attempt = (attempts.get(refKey(ref)) ?? 0) + 1;
    return { state: 'pending', snapshot: null, error: (err as Error).message.slice(0, 500), nextAt: retryAt(attempt, minDelay) };
  }

  return {
    loader,
    async enrich(refs, attempts = new Map(), mode = 'wait') {
      const out = new Map<string, EnrichmentOutcome>();
      const groups = new Map<string, Map<number, EnrichRequest>>();
      for (const ref of refs) {
        const key = refKey(ref);
        if (out.has(key)) continue;
        if (!opts.enabled) {
          out.set(key, final('skipped', 'enrichment disabled (HUBSPOT_ENRICH=false)'));
          continue;
        }
        if (!crmApiObjectType(ref.objectType)) {
          out.set(key, final('skipped', `object type "${ref.objectType}" has no CRM batch read`));
          continue;
        }
        const g = `${ref.portalId}|${ref.objectType}`;
        const group = groups.get(g) ?? new Map<number, EnrichRequest>();
        const seen = group.get(ref.objectId);
        group.set(ref.objectId, seen ? { ...seen, fresh: seen.fresh === true || ref.fresh === true } : ref);
        groups.set(g, group);
      }
      const loadMode = mode === 'inline' && opts.completeDeferred ? 'inline' : 'wait';
      const logged = new Set<unknown>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const reqs = [...group.values()];
          const first = reqs[0] as EnrichRequest;
          const results: Map<string, LoadOutcome> = await loader.load(
            {
              portalId: first.portalId,
              objectType: first.objectType,
              properties: opts.properties[first.objectType] ?? [],
              ids: reqs.map((r) => ({ id: String(r.objectId), ...(r.fresh ? { fresh: true } : {}) })),
            },
            loadMode,
          );
          for (const r of reqs) {
            const ref: ObjectRef = { portalId: r.portalId, objectType: r.objectType, objectId: r.objectId };
            const res = results.get(String(r.objectId)) ?? ({ kind: 'error', error: new Error('not read') } as const);
            out.set(
              refKey(ref),
              res.kind === 'deferred'
                ? { state: 'pending', snapshot: null, error: DEFERRED_MARKER, nextAt: opts.now() + grace, deferred: { ref, result: res.result, rowIds: [] } }
                : outcomeOf(res, ref, attempts, logged),
            );
          }
        }),
      );
      return out;
    },
    committed(outcomes) {
      const complete = opts.completeDeferred;
      const deferred = [...outcomes.values()].flatMap((o) => (o.deferred ? [o.deferred] : []));
      if (!complete || deferred.length === 0) return;
      const task = (async () => {
        const results = await Promise.all(deferred.map((d) => d.result));
        const readAt = opts.now();
        const logged = new Set<unknown>();
        await complete(
          deferred.map((d, i) => ({ ref: d.ref, rowIds: d.rowIds, outcome: outcomeOf(results[i] as ReadResult, d.ref, new Map(), logged), readAt })),
        );
      })()
        .catch((err: unknown) =>
          opts.log.warn({ err, objects: deferred.length }, 'could not complete deferred enrichment; the sweeper will retry those events'),
        )
        .finally(() => completions.delete(task));
      completions.add(task);
    },
    participate: (fn) => loader.participate(fn),
    async drain() {
      loader.flush();
      while (completions.size > 0) await Promise.all([...completions]);
    },
  };
}
