import type { CrmObject } from '../batch-read/types.js';

/** What one batch read said about one object. Errors are not cached. */
export type ReadResult = { kind: 'found'; obj: CrmObject } | { kind: 'notFound' } | { kind: 'error'; error: unknown };

interface Entry {
  result: ReadResult;
  /** When the read that produced it was sent (epoch ms). */
  readAt: number;
}

export interface SnapshotCache {
  /** A result read at most `ttlMs` ago, or undefined. Refreshes its recency. */
  get(key: string): ReadResult | undefined;
  set(key: string, result: ReadResult, readAt: number): void;
  readonly size: number;
}

/**
 * Short-lived, size-bounded (LRU) snapshot cache of one replica. A hit serves later events of
 * the same object without a HubSpot call; object state stays correct because a snapshot is
 * versioned by HubSpot's updatedAt, so a newer property event still wins over it.
 */
export function createSnapshotCache(opts: { ttlMs: number; maxEntries: number; now: () => number }): SnapshotCache {
  const entries = new Map<string, Entry>();
  return {
    get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.readAt + opts.ttlMs <= opts.now()) {
        entries.delete(key);
        return undefined;
      }
      // Map order is recency order: re-insert on use, evict from the front.
      entries.delete(key);
      entries.set(key, e);
      return e.result;
    },
    set(key, result, readAt) {
      if (opts.ttlMs <= 0 || result.kind === 'error') return;
      // Reads can finish out of order: an older read never replaces what a newer one saw.
      if ((entries.get(key)?.readAt ?? -Infinity) > readAt) return;
      entries.delete(key);
      entries.set(key, { result, readAt });
      while (entries.size > opts.maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
