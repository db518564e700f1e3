import { deadLetterView, type DeadLetterView } from '@hookstream/kafka';

export type { DeadLetterView };
/** The view itself is shared with events-api (packages/kafka dead-letter-view.ts). */
export const viewOf = deadLetterView;

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
