/**
 * Values valid as JSON but not storable in a MySQL/MariaDB JSON column. Checked by
 * parseWebhookBatch, so the edge refuses them with a 400 instead of acknowledging them, and
 * the processor dead-letters any that reach Kafka at once (retrying can never store them):
 *  - nesting deeper than MAX_EVENT_DEPTH: MariaDB refuses JSON deeper than 31 levels, and
 *    JSON.stringify overflows the stack at a few thousand;
 *  - strings with an unpaired UTF-16 surrogate (`"\ud800"` is valid JSON text but not valid
 *    Unicode): MySQL and MariaDB refuse it in a JSON column.
 */
export const MAX_EVENT_DEPTH = 20;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Returns "<path>: <why>" for the first problem, or null. Iterative: input depth is unbounded. */
export function findUnstorable(event: unknown): string | null {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: event, depth: 1, path: '' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop() as { value: unknown; depth: number; path: string };
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return `${path || 'value'}: contains an unpaired UTF-16 surrogate`;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_EVENT_DEPTH) return `${path}: nested deeper than ${MAX_EVENT_DEPTH} levels`;
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [k, v] of entries) {
      if (LONE_SURROGATE.test(k)) return `${path || 'value'}: a field name contains an unpaired UTF-16 surrogate`;
      stack.push({ value: v, depth: depth + 1, path: Array.isArray(value) ? `${path}[${k}]` : path ? `${path}.${printable(k)}` : printable(k) });
    }
  }
  return null;
}

function printable(k: string): string {
  const clean = k.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
