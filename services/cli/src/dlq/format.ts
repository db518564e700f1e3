import { readFailureInfo, type ConsumedMessage } from '@hookstream/kafka';

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

export function viewOf(partition: number, m: ConsumedMessage): DeadLetterView {
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

/** One human-readable line per dead letter; `--json` prints the view itself instead. */
export function formatLine(v: DeadLetterView): string {
  const where = v.original ? `${v.original.topic}/${v.original.partition}@${v.original.offset}` : 'unknown';
  const preview = v.value === null ? '' : v.value.length > 120 ? `${v.value.slice(0, 120)}…` : v.value;
  return [
    `${v.partition}@${v.offset}`,
    v.deadLetteredAt,
    `attempts=${v.attempts}`,
    `code=${v.errorCode ?? '-'}`,
    `from=${where}`,
    `first-failure=${v.firstFailureAt ?? '-'}`,
    `key=${v.key ?? '-'}`,
    `error=${JSON.stringify(v.error ?? '')}`,
    `value=${v.valueEncoding === 'base64' ? 'base64:' : ''}${JSON.stringify(preview)}`,
  ].join('  ');
}
