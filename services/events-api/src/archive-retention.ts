import { retentionCutoff, type ArchiveStore } from '@hookstream/archive';
import type { Logger } from '@hookstream/observability';

export interface ArchiveRetentionOptions {
  store: ArchiveStore;
  /** ARCHIVE_RETENTION_DAYS: records received longer ago are deleted. */
  retentionDays: number;
  /** ARCHIVE_RETENTION_INTERVAL_MS: the pause between the end of one run and the start of the next. */
  intervalMs: number;
  log: Logger;
  now?: () => number;
}

export interface ArchiveRetention {
  /** No new run starts; resolves once a run in progress has ended. */
  stop(): Promise<void>;
}

/**
 * Deletes archived requests older than the retention period: once now (start-up), then every
 * interval. Runs never overlap (the next is scheduled when one ends), and a failed run is logged
 * and tried again at the next interval. Every replica may run it: a run is idempotent, and one
 * that finds a record another deleted simply counts it once less.
 */
export function startArchiveRetention(opts: ArchiveRetentionOptions): ArchiveRetention {
  const now = opts.now ?? Date.now;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const tick = (): void => {
    running = runOnce(opts, now).finally(() => {
      running = undefined;
      if (stopped) return;
      timer = setTimeout(tick, opts.intervalMs);
      // A pending run must not keep the process alive past shutdown.
      timer.unref();
    });
  };
  tick();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** One run; never rejects, so the schedule goes on whatever the store does. */
async function runOnce(opts: ArchiveRetentionOptions, now: () => number): Promise<void> {
  const cutoff = retentionCutoff({ ARCHIVE_RETENTION_DAYS: opts.retentionDays }, now());
  const started = Date.now();
  try {
    const deleted = await opts.store.deleteOlderThan(cutoff);
    opts.log.info({ deleted, cutoff: new Date(cutoff).toISOString(), ms: Date.now() - started }, 'archive retention run');
  } catch (err) {
    opts.log.warn({ err, nextRunInMs: opts.intervalMs }, 'archive retention run failed; trying again at the next interval');
  }
}
