import type { AttemptResult, DeliveryStore } from '@hookstream/deliveries';
import type { Logger } from '@hookstream/observability';

export interface Recorder {
  /** Resolves once the result is in the database; until then the delivery stays in flight. */
  record(result: AttemptResult): Promise<void>;
  /** Writes what is buffered and waits for it. */
  flush(): Promise<void>;
}

/**
 * Batches attempt results from every lane into two statements per flush, so recording costs
 * the database about as much at 5,000 attempts/s as at 50. A failed write is retried (with the
 * same rows) until it succeeds or the replica stops: a result that was never written means the
 * delivery is resent with the same webhook-id, which is the at-least-once contract anyway.
 */
export function createRecorder(store: DeliveryStore, log: Logger, opts: { maxBatch?: number; lingerMs?: number } = {}): Recorder {
  const maxBatch = opts.maxBatch ?? 500;
  const lingerMs = opts.lingerMs ?? 5;
  type Waiting = { result: AttemptResult; done: () => void; fail: (e: unknown) => void };
  let buffer: Waiting[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const write = async (batch: Waiting[]): Promise<void> => {
    for (let failures = 0; ; failures++) {
      try {
        await store.record(
          batch.map((w) => w.result),
          Date.now(),
        );
        for (const w of batch) w.done();
        return;
      } catch (err) {
        if (failures >= 20) {
          for (const w of batch) w.fail(err);
          return;
        }
        log.warn({ err: (err as Error).message, results: batch.length }, 'recording delivery attempts failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** failures, 5000)));
      }
    }
  };

  const flushNow = (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    // One write at a time keeps a delivery's rows in the order its attempts happened.
    writing = writing.then(() => write(batch));
    return writing;
  };

  return {
    record(result) {
      return new Promise<void>((done, fail) => {
        buffer.push({ result, done, fail });
        if (buffer.length >= maxBatch) void flushNow();
        else timer ??= setTimeout(() => void flushNow(), lingerMs);
      });
    },
    flush: flushNow,
  };
}
