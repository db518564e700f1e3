import type { EventProducer } from './producer.js';
import type { ConsumedMessage } from './consumer.js';

/** Headers on every dead letter: enough to inspect it and to put it back where it came from. */
export const DLQ_HEADERS = {
  error: 'hookstream-error',
  errorCode: 'hookstream-error-code',
  attempts: 'hookstream-attempts',
  originalTopic: 'hookstream-original-topic',
  originalPartition: 'hookstream-original-partition',
  originalOffset: 'hookstream-original-offset',
  firstFailureAt: 'hookstream-first-failure-at',
} as const;

export interface DeadLetter {
  message: ConsumedMessage;
  topic: string;
  partition: number;
  error: Error & { code?: string };
  attempts: number;
}

/**
 * Publishes messages that can never be processed (undecodable, invalid) to the dead-letter
 * topic with acks=all. The caller resolves the original offset only after this resolves,
 * so a message is never both skipped and absent from the DLQ.
 */
export async function publishDeadLetters(producer: EventProducer, dlqTopic: string, letters: readonly DeadLetter[], now: number, timeoutMs = 10_000): Promise<void> {
  if (letters.length === 0) return;
  await producer.send(
    dlqTopic,
    letters.map((l) => ({
      // Keep the original key so a redrive lands on the same partition as the object's other events.
      key: l.message.key ?? '',
      value: l.message.value ?? Buffer.alloc(0),
      headers: {
        ...l.message.headers,
        [DLQ_HEADERS.error]: l.error.message.slice(0, 1000),
        [DLQ_HEADERS.errorCode]: l.error.code ?? l.error.name,
        [DLQ_HEADERS.attempts]: String(l.attempts),
        [DLQ_HEADERS.originalTopic]: l.topic,
        [DLQ_HEADERS.originalPartition]: String(l.partition),
        [DLQ_HEADERS.originalOffset]: l.message.offset,
        [DLQ_HEADERS.firstFailureAt]: l.message.headers[DLQ_HEADERS.firstFailureAt] ?? String(now),
      },
    })),
    timeoutMs,
  );
}
