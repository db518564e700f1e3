import { safeHeaders, type ArchiveStore } from '@hookstream/archive';
import { AppError } from '@hookstream/core';
import type { Counter, Histogram } from '@hookstream/observability';
import type { IngressRequest } from '@hookstream/pipeline';
import { ArchiveUnavailableError } from './errors.js';

/** The raw archive as the edge uses it; main.ts leaves it out when ARCHIVE_BACKEND=off. */
export interface EdgeArchive {
  store: ArchiveStore;
  /** ARCHIVE_PROVIDERS: only these providers' requests are archived. */
  providers: readonly string[];
  /** ARCHIVE_WRITE_TIMEOUT_MS: a write slower than this answers 503 rather than hold the sender. */
  writeTimeoutMs: number;
}

export interface ArchiveMetrics {
  writeSeconds: Histogram<string>;
  failures: Counter<string>;
}

/** Archives one accepted request under `source`; rejects with an AppError when it could not. */
export type ArchiveWrite = (req: IngressRequest, source: string) => Promise<void>;

/**
 * The archive write of one provider's routes. Headers go through safeHeaders with the
 * provider's own credential headers (the archive adds authorization, cookie and x-api-key
 * itself): archives are kept for weeks and read by operators, so no secret may land there.
 */
export function archiveWriter(archive: EdgeArchive, provider: string, secretHeaders: readonly string[], metrics: ArchiveMetrics): ArchiveWrite {
  return async (req, source) => {
    const stop = metrics.writeSeconds.startTimer({ provider });
    try {
      const put = archive.store.put({
        requestId: req.requestId,
        receivedAt: req.receivedAt,
        provider,
        source,
        method: req.method,
        url: req.url,
        headers: safeHeaders(req.headers, secretHeaders),
        body: req.rawBody,
      });
      await withTimeout(put, archive.writeTimeoutMs);
    } catch (err) {
      metrics.failures.inc({ provider });
      throw asEdgeError(err);
    } finally {
      stop();
    }
  };
}

/** A retryable failure becomes the edge's 503; a refused record (a provider's bad source name) stays what it is: a bug, 500. */
function asEdgeError(err: unknown): AppError {
  if (err instanceof AppError && !err.retryable) return err;
  const message = err instanceof TimeoutError ? err.message : 'the request could not be archived; retry later';
  return new ArchiveUnavailableError(message, { cause: err });
}

class TimeoutError extends Error {}

/**
 * Bounds a write. The write itself goes on: if it lands later, the archive holds a request that
 * was answered 503, which is allowed (only an accepted event must never lack its record).
 */
async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`the archive did not confirm the write within ${ms} ms (ARCHIVE_WRITE_TIMEOUT_MS); retry later`)), ms);
  });
  try {
    // race subscribes to `work` too, so its late rejection is handled, not unhandled.
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
