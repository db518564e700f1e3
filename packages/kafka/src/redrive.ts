import { randomBytes } from 'node:crypto';
import type { Logger } from '@hookstream/observability';
import type { Kafka } from './client.js';
import { redriveHeaders } from './dead-letter.js';
import type { EventProducer } from './producer.js';
import { readRanges, type PartitionRange } from './range-reader.js';
import { planRanges, type Plan } from './redrive-plan.js';
import type { PartitionOffsets, TopicAdmin } from './topic-admin.js';

/**
 * The one redrive implementation, shared by `hookstream dlq:redrive` and events-api's
 * POST /dead-letters/:topic/redrive. A redrive group's committed offsets on a DLQ topic are its
 * cursor: every offset below it has been put back on the events topic.
 */
export const REDRIVE_GROUP = 'hookstream-dlq-redrive';

/** Where dead letters come from, where they go back to, and whose cursor records it. */
export interface RedriveRoute {
  dlq: string;
  target: string;
  groupId: string;
}

export interface TimeRange {
  /** Epoch ms: the first dead letter at or after it. */
  since?: number;
  /** Epoch ms, inclusive. */
  until?: number;
  /** At most this many, partition by partition. */
  count?: number;
}

/** What a time-range redrive reads: from the group's cursor (or `since`, if later) to `until`. */
export async function planTimeRange(admin: TopicAdmin, route: RedriveRoute, range: TimeRange): Promise<Plan> {
  const partitions = await admin.partitions(route.dlq);
  const cursor = await admin.committed(route.groupId, route.dlq);
  const from = range.since === undefined ? undefined : await admin.offsetsAtTime(route.dlq, range.since);
  const to = range.until === undefined ? undefined : await admin.offsetsAtTime(route.dlq, range.until + 1);
  return planRanges({
    partitions,
    cursor,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(range.count !== undefined ? { count: range.count } : {}),
  });
}

export interface OffsetPick {
  partition: number;
  offset: bigint;
}

export interface SelectionPlan {
  /** Chosen offsets that run on without a gap from the cursor: read through the redrive group and committed, so the cursor moves past them. */
  advancing: PartitionRange[];
  /** The other chosen offsets, per partition: read through a throwaway group; the cursor stays where it is. */
  scattered: PartitionRange[];
  /** Which offsets of `scattered` to send (its ranges also cover offsets nobody chose). */
  chosen: ReadonlyMap<number, ReadonlySet<bigint>>;
  total: number;
  /** Chosen offsets the topic does not hold (never written, or deleted by retention). */
  missing: OffsetPick[];
}

/**
 * Splits a selection so that the cursor keeps its meaning: it only moves past offsets that
 * were all redriven, never past one nobody chose.
 */
export function planSelection(partitions: readonly PartitionOffsets[], cursor: ReadonlyMap<number, bigint>, picks: readonly OffsetPick[]): SelectionPlan {
  const byPartition = new Map(partitions.map((p) => [p.partition, p]));
  const wanted = new Map<number, Set<bigint>>();
  const missing: OffsetPick[] = [];
  for (const pick of picks) {
    const p = byPartition.get(pick.partition);
    if (!p || pick.offset < p.low || pick.offset >= p.high) {
      missing.push(pick);
      continue;
    }
    const set = wanted.get(pick.partition) ?? new Set<bigint>();
    set.add(pick.offset);
    wanted.set(pick.partition, set);
  }
  const advancing: PartitionRange[] = [];
  const scattered: PartitionRange[] = [];
  const chosen = new Map<number, Set<bigint>>();
  let total = 0;
  for (const [partition, offsets] of [...wanted].sort((a, b) => a[0] - b[0])) {
    total += offsets.size;
    const p = byPartition.get(partition) as PartitionOffsets;
    const start = cursor.get(partition) ?? p.low;
    let end = start < p.low ? p.low : start;
    const from = end;
    while (offsets.has(end)) offsets.delete(end++);
    if (end > from) advancing.push({ partition, start: from, end });
    if (offsets.size === 0) continue;
    const sorted = [...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    scattered.push({ partition, start: sorted[0] as bigint, end: (sorted[sorted.length - 1] as bigint) + 1n });
    chosen.set(partition, offsets);
  }
  return { advancing, scattered, chosen, total, missing };
}

export interface RedriveRunOptions {
  kafka: Kafka;
  /** Connected; the caller owns it. */
  producer: EventProducer;
  route: RedriveRoute;
  ranges: readonly PartitionRange[];
  log: Logger;
  /** After each chunk is acknowledged (and committed), with the number of dead letters it sent. */
  onProgress?: (sent: number) => void;
  /** Stops after the chunk in hand; that chunk is sent and committed first. */
  signal?: AbortSignal;
  now?: () => number;
  produceTimeoutMs?: number;
}

/**
 * Re-produces the ranges to the events topic (key unchanged, attempt count 0) through the
 * route's group, each chunk with acks=all and then committed: a rerun continues where the
 * last run stopped. A crash between the two re-sends at most that one chunk, which the events
 * table's unique key stores once.
 */
export async function redriveRanges(opts: RedriveRunOptions): Promise<{ how: 'done' | 'aborted'; sent: number }> {
  return send(opts, { groupId: opts.route.groupId, commit: true });
}

/**
 * Redrives chosen dead letters: the part that continues the cursor as redriveRanges does, the
 * rest through a throwaway group that commits nothing and is deleted afterwards.
 */
export async function redriveSelection(
  opts: Omit<RedriveRunOptions, 'ranges'> & { admin: TopicAdmin; plan: SelectionPlan },
): Promise<{ how: 'done' | 'aborted'; sent: number }> {
  const first = await send({ ...opts, ranges: opts.plan.advancing }, { groupId: opts.route.groupId, commit: true });
  if (first.how === 'aborted' || opts.plan.scattered.length === 0) return first;
  const groupId = `${opts.route.groupId}-pick-${randomBytes(6).toString('hex')}`;
  try {
    const rest = await send({ ...opts, ranges: opts.plan.scattered }, { groupId, commit: false, only: opts.plan.chosen });
    return { how: rest.how, sent: first.sent + rest.sent };
  } finally {
    await opts.admin.deleteGroup(groupId).catch((err: unknown) => opts.log.warn({ err, groupId }, 'could not delete the redrive selection group'));
  }
}

async function send(
  opts: RedriveRunOptions,
  how: { groupId: string; commit: boolean; only?: ReadonlyMap<number, ReadonlySet<bigint>> },
): Promise<{ how: 'done' | 'aborted'; sent: number }> {
  const { route, producer } = opts;
  const now = opts.now ?? Date.now;
  let sent = 0;
  const result = await readRanges(opts.kafka, {
    topic: route.dlq,
    groupId: how.groupId,
    ranges: opts.ranges,
    commit: how.commit,
    log: opts.log,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onMessages: async (partition, messages) => {
      const only = how.only?.get(partition);
      const chunk = only ? messages.filter((m) => only.has(BigInt(m.offset))) : messages;
      if (chunk.length === 0) return;
      const at = now();
      await producer.send(
        route.target,
        chunk.map((m) => ({
          key: m.key ?? '',
          value: m.value ?? Buffer.alloc(0),
          headers: redriveHeaders(m.headers, { topic: route.dlq, partition, offset: m.offset }, at),
        })),
        opts.produceTimeoutMs ?? 30_000,
      );
      sent += chunk.length;
      opts.onProgress?.(chunk.length);
    },
  });
  return { how: result, sent };
}
