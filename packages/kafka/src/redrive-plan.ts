import type { PartitionRange } from './range-reader.js';
import type { PartitionOffsets } from './topic-admin.js';

export interface PlanInput {
  partitions: readonly PartitionOffsets[];
  /** A redrive group's cursor: where each partition's redrive stopped last time. */
  cursor?: ReadonlyMap<number, bigint>;
  /** --since: per partition the first offset at or after that time. */
  from?: ReadonlyMap<number, bigint>;
  /** --until: per partition the first offset after that time (exclusive end). */
  to?: ReadonlyMap<number, bigint>;
  /** --count / --limit: at most this many, taken partition by partition. */
  count?: number;
}

export interface Plan {
  ranges: PartitionRange[];
  total: number;
  /** Not yet redriven by this cursor but older than --since: this run leaves them behind its cursor. */
  passedOver: number;
}

const max = (...xs: bigint[]) => xs.reduce((a, b) => (b > a ? b : a));
const min = (...xs: bigint[]) => xs.reduce((a, b) => (b < a ? b : a));

/** Which offsets of each partition a command reads: [max(low, cursor, since), min(high, until)). */
export function planRanges(input: PlanInput): Plan {
  let left = input.count === undefined ? undefined : BigInt(input.count);
  let total = 0n;
  let passedOver = 0n;
  const ranges: PartitionRange[] = [];
  for (const p of [...input.partitions].sort((a, b) => a.partition - b.partition)) {
    const cursor = max(p.low, input.cursor?.get(p.partition) ?? p.low);
    const from = input.from?.get(p.partition) ?? p.low;
    const start = max(cursor, from);
    let end = max(start, min(p.high, input.to?.get(p.partition) ?? p.high));
    if (left !== undefined) {
      end = min(end, start + left);
      left -= end - start;
    }
    if (input.from) passedOver += max(0n, min(from, p.high) - cursor);
    total += end - start;
    ranges.push({ partition: p.partition, start, end });
  }
  return { ranges, total: Number(total), passedOver: Number(passedOver) };
}
