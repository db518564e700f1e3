import type { EventProducer } from './producer.js';
import type { ConsumedMessage } from './consumer.js';

/**
 * Headers on every retry-topic message and dead letter: enough to inspect it and to put it
 * back where it came from. `notBefore` is set on retry-topic messages only; `redrivenFrom`
 * and `redrivenAt` on messages a redrive put back on the events topic.
 */
export const DLQ_HEADERS = {
  error: 'hookstream-error',
  errorCode: 'hookstream-error-code',
  attempts: 'hookstream-attempts',
  originalTopic: 'hookstream-original-topic',
  originalPartition: 'hookstream-original-partition',
  originalOffset: 'hookstream-original-offset',
  firstFailureAt: 'hookstream-first-failure-at',
  notBefore: 'hookstream-retry-not-before',
  redrivenFrom: 'hookstream-redriven-from',
  redrivenAt: 'hookstream-redriven-at',
} as const;

export interface DeadLetter {
  message: ConsumedMessage;
  topic: string;
  partition: number;
  error: Error & { code?: string };
  /** Processing attempts made so far, this one included. */
  attempts: number;
  /** Retry topic only: epoch ms before which the message must not be processed again. */
  notBefore?: number;
}

/** What the failure headers of a consumed message say; absent headers read as a first delivery. */
export interface FailureInfo {
  attempts: number;
  notBefore: number | null;
  firstFailureAt: number | null;
  error: string | null;
  errorCode: string | null;
  original: { topic: string; partition: number; offset: string } | null;
}

function int(v: string | undefined): number | null {
  if (v === undefined || !/^\d{1,16}$/.test(v)) return null;
  return Number(v);
}

export function readFailureInfo(headers: Readonly<Record<string, string>>): FailureInfo {
  const topic = headers[DLQ_HEADERS.originalTopic];
  const partition = int(headers[DLQ_HEADERS.originalPartition]);
  const offset = headers[DLQ_HEADERS.originalOffset];
  return {
    attempts: int(headers[DLQ_HEADERS.attempts]) ?? 0,
    notBefore: int(headers[DLQ_HEADERS.notBefore]),
    firstFailureAt: int(headers[DLQ_HEADERS.firstFailureAt]),
    error: headers[DLQ_HEADERS.error] ?? null,
    errorCode: headers[DLQ_HEADERS.errorCode] ?? null,
    original: topic && partition !== null && offset ? { topic, partition, offset } : null,
  };
}

/**
 * The headers of a failed message. A message that already failed before (it comes from the
 * retry topic) keeps its original position and first-failure time, so a dead letter points at
 * where the event first entered the stream, not at its last hop.
 */
export function failureHeaders(l: DeadLetter, now: number): Record<string, string> {
  const h = l.message.headers;
  const headers: Record<string, string> = { ...h };
  delete headers[DLQ_HEADERS.notBefore];
  const before = readFailureInfo(h);
  Object.assign(headers, {
    [DLQ_HEADERS.error]: l.error.message.slice(0, 1000),
    [DLQ_HEADERS.errorCode]: l.error.code ?? l.error.name,
    [DLQ_HEADERS.attempts]: String(l.attempts),
    [DLQ_HEADERS.originalTopic]: before.original?.topic ?? l.topic,
    [DLQ_HEADERS.originalPartition]: String(before.original?.partition ?? l.partition),
    [DLQ_HEADERS.originalOffset]: before.original?.offset ?? l.message.offset,
    [DLQ_HEADERS.firstFailureAt]: String(before.firstFailureAt ?? now),
  });
  if (l.notBefore !== undefined) headers[DLQ_HEADERS.notBefore] = String(l.notBefore);
  return headers;
}

/**
 * Publishes failed messages to the dead-letter or retry topic with acks=all. The caller resolves
 * the original offset only after this resolves, so a message is never both skipped and absent
 * from the topic it was routed to.
 */
export async function publishDeadLetters(
  producer: EventProducer,
  topic: string,
  letters: readonly DeadLetter[],
  now: number,
  timeoutMs = 10_000,
): Promise<void> {
  if (letters.length === 0) return;
  await producer.send(
    topic,
    letters.map((l) => ({
      // Keep the original key so a retry or redrive lands on the same partition as the object's other events.
      key: l.message.key ?? '',
      value: l.message.value ?? Buffer.alloc(0),
      headers: failureHeaders(l, now),
    })),
    timeoutMs,
  );
}

/** Headers of a dead letter put back on the events topic: a fresh delivery that remembers where it came from. */
export function redriveHeaders(
  headers: Readonly<Record<string, string>>,
  from: { topic: string; partition: number; offset: string },
  now: number,
): Record<string, string> {
  const out: Record<string, string> = {};
  const failure = new Set<string>(Object.values(DLQ_HEADERS));
  for (const [k, v] of Object.entries(headers)) if (!failure.has(k)) out[k] = v;
  out[DLQ_HEADERS.attempts] = '0';
  out[DLQ_HEADERS.redrivenFrom] = `${from.topic}/${from.partition}/${from.offset}`;
  out[DLQ_HEADERS.redrivenAt] = String(now);
  return out;
}
