import type { ConsumedMessage } from './consumer.js';
import { readFailureInfo } from './dead-letter.js';

/** A dead letter as dlq:inspect prints it and events-api's GET /dead-letters/:topic answers it. */
export interface DeadLetterView {
  partition: number;
  offset: string;
  /** When it was dead-lettered (the DLQ message's timestamp). */
  deadLetteredAt: string;
  key: string | null;
  attempts: number;
  errorCode: string | null;
  error: string | null;
  firstFailureAt: string | null;
  original: { topic: string; partition: number; offset: string } | null;
  headers: Record<string, string>;
  /** The value as text when it is UTF-8, else base64 with `valueEncoding: "base64"`. */
  value: string | null;
  valueEncoding: 'utf8' | 'base64';
}

const iso = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function deadLetterView(partition: number, m: ConsumedMessage): DeadLetterView {
  const info = readFailureInfo(m.headers);
  let value: string | null = null;
  let valueEncoding: 'utf8' | 'base64' = 'utf8';
  if (m.value) {
    try {
      value = utf8.decode(m.value);
    } catch {
      value = m.value.toString('base64');
      valueEncoding = 'base64';
    }
  }
  return {
    partition,
    offset: m.offset,
    deadLetteredAt: iso(Number(m.timestamp)) ?? m.timestamp,
    key: m.key,
    attempts: info.attempts,
    errorCode: info.errorCode,
    error: info.error,
    firstFailureAt: iso(info.firstFailureAt),
    original: info.original,
    headers: m.headers,
    value,
    valueEncoding,
  };
}
