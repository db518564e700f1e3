/** `(?, ?, …)` for n values. */
export const placeholders = (n: number): string => `(${new Array<string>(n).fill('?').join(', ')})`;

/** Rows of `width` values each as `(?, …), (?, …)`. */
export const rowsOf = (count: number, width: number): string => new Array<string>(count).fill(placeholders(width)).join(', ');

/** Groups keys by source, so a lookup is `source = ? AND id IN (…)` (a primary-key range) per source. */
export function bySource<T extends { source: string }>(keys: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const k of keys) {
    const list = out.get(k.source);
    if (list) list.push(k);
    else out.set(k.source, [k]);
  }
  return out;
}

/** MySQL returns BIGINT as a string or number depending on its size; ours fit in a double. */
export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
