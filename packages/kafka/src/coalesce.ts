/**
 * Group commit for produce calls: sends to one topic that arrive while earlier ones are still
 * waiting for their acks leave together as one kafkajs send (one produce request per broker
 * instead of one per caller). Nothing waits on a timer: an idle topic's first send goes out in
 * the same event-loop turn, so coalescing only happens when there is load to coalesce.
 *
 * Every caller's promise settles with the send that carried its messages, so a caller is
 * answered only after its own messages are acknowledged. One caller's messages are never split
 * and stay in order, so per-key order within a delivery is kept.
 */
export interface CoalescerOptions {
  /** Sends to one topic that may be in flight at once; later ones queue and merge. */
  maxInFlight: number;
  /** A merged send stops growing at this many bytes (a single larger call still goes alone). */
  maxBatchBytes: number;
}

export interface Coalescer<M> {
  /** `timeoutMs` is the broker-side ack timeout; a merged send uses the largest of its callers'. */
  submit(topic: string, messages: readonly M[], bytes: number, timeoutMs: number): Promise<void>;
}

interface Batch<M> {
  messages: M[];
  bytes: number;
  timeoutMs: number;
  waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
}

interface TopicQueue<M> {
  batches: Batch<M>[];
  inFlight: number;
  scheduled: boolean;
}

export function createCoalescer<M>(flush: (topic: string, messages: M[], timeoutMs: number) => Promise<void>, opts: CoalescerOptions): Coalescer<M> {
  const queues = new Map<string, TopicQueue<M>>();

  const pump = (topic: string, q: TopicQueue<M>): void => {
    q.scheduled = false;
    while (q.inFlight < opts.maxInFlight && q.batches.length > 0) {
      const batch = q.batches.shift() as Batch<M>;
      q.inFlight++;
      flush(topic, batch.messages, batch.timeoutMs)
        .then(
          () => batch.waiters.forEach((w) => w.resolve()),
          (err: unknown) => batch.waiters.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          q.inFlight--;
          pump(topic, q);
        });
    }
    if (q.inFlight === 0 && q.batches.length === 0) queues.delete(topic);
  };

  return {
    submit(topic, messages, bytes, timeoutMs) {
      let q = queues.get(topic);
      if (!q) {
        q = { batches: [], inFlight: 0, scheduled: false };
        queues.set(topic, q);
      }
      const queue = q;
      return new Promise<void>((resolve, reject) => {
        let last = queue.batches[queue.batches.length - 1];
        if (!last || (last.messages.length > 0 && last.bytes + bytes > opts.maxBatchBytes)) {
          last = { messages: [], bytes: 0, timeoutMs, waiters: [] };
          queue.batches.push(last);
        }
        for (const m of messages) last.messages.push(m);
        last.bytes += bytes;
        last.timeoutMs = Math.max(last.timeoutMs, timeoutMs);
        last.waiters.push({ resolve, reject });
        // setImmediate: every request whose body was read in this poll phase joins the batch.
        if (!queue.scheduled && queue.inFlight < opts.maxInFlight) {
          queue.scheduled = true;
          setImmediate(() => pump(topic, queue));
        }
      });
    },
  };
}
