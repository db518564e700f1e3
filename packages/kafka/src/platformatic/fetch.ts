import type { ClusterMetadata, Consumer, FetchOptions, RecordsBatch } from '@platformatic/kafka';
import type { ConsumedMessage } from '../consumer.js';

type FetchRequestTopic = FetchOptions<Buffer, Buffer, Buffer, Buffer>['topics'][number];
type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

const IS_CONTROL = 0b10_0000;
const OFFSET_OUT_OF_RANGE = 1;

export interface FetchWant {
  topic: string;
  partition: number;
  /** Offset to fetch from. */
  from: bigint;
}

export interface FetchedBatch extends FetchWant {
  batches: RecordsBatch[];
  /** The offset after the last record of the last batch (control records and compacted gaps included). */
  end: bigint;
}

export interface FetchResult {
  batches: FetchedBatch[];
  /** Partitions whose offset the broker no longer (or not yet) holds: where each partition's log starts and ends. */
  outOfRange: Array<FetchWant & { logStart: bigint; high: bigint }>;
  /** A partition had no leader or answered from the wrong broker: ask for metadata again on the next fetch. */
  staleMetadata: boolean;
  /** How many partitions were asked for (0: none had a leader). */
  asked: number;
}

/**
 * One fetch per leader for the wanted partitions, through the library's Consumer.fetch (which
 * keeps the broker's incremental fetch session for each node, KIP-227).
 */
export async function fetchPartitions(
  consumer: Consumer,
  topics: readonly string[],
  wants: readonly FetchWant[],
  maxBytesPerPartition: number,
  refreshMetadata = false,
): Promise<FetchResult> {
  const result: FetchResult = { batches: [], outOfRange: [], staleMetadata: false, asked: 0 };
  if (wants.length === 0) return result;
  // The library caches metadata for 5 s; after a leader moved (failover) the next fetch must not wait that long.
  const metadata: ClusterMetadata = await consumer.metadata({ topics: [...topics], forceUpdate: refreshMetadata });
  const byNode = new Map<number, Map<string, FetchRequestTopic>>();
  const topicOfId = new Map<string, string>();
  const asked = new Map<string, FetchWant>();
  for (const w of wants) {
    const meta = metadata.topics.get(w.topic);
    const leader = meta?.partitions[w.partition]?.leader ?? -1;
    if (!meta || leader < 0) {
      result.staleMetadata = true;
      continue;
    }
    topicOfId.set(meta.id, w.topic);
    const node = byNode.get(leader) ?? new Map<string, FetchRequestTopic>();
    byNode.set(leader, node);
    const req = node.get(meta.id) ?? { topicId: meta.id, partitions: [] };
    node.set(meta.id, req);
    req.partitions.push({ partition: w.partition, fetchOffset: w.from, partitionMaxBytes: maxBytesPerPartition, currentLeaderEpoch: -1, lastFetchedEpoch: -1 });
    asked.set(`${w.topic}:${w.partition}`, w);
  }
  result.asked = asked.size;
  const responses: FetchResponse[] = await Promise.all([...byNode].map(([node, t]) => consumer.fetch({ node, topics: [...t.values()] })));
  for (const response of responses) {
    for (const t of response.responses) {
      const topic = topicOfId.get(t.topicId);
      if (!topic) continue;
      for (const p of t.partitions) {
        const want = asked.get(`${topic}:${p.partitionIndex}`);
        // A partition lingering in the broker's fetch session that was not asked for this time.
        if (!want) continue;
        if (p.errorCode === OFFSET_OUT_OF_RANGE) {
          result.outOfRange.push({ ...want, logStart: p.logStartOffset, high: p.highWatermark });
          continue;
        }
        if (p.errorCode !== 0) {
          // NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION…: the position stays, the metadata is refreshed.
          result.staleMetadata = true;
          continue;
        }
        const last = p.records?.[p.records.length - 1];
        if (!p.records || !last) continue;
        result.batches.push({ ...want, batches: p.records, end: last.firstOffset + BigInt(last.lastOffsetDelta) + 1n });
      }
    }
  }
  return result;
}

/** The records of fetched batches from `from` on, as the package's ConsumedMessage; control records left out. */
export function toMessages(batches: readonly RecordsBatch[], from: bigint): ConsumedMessage[] {
  const out: ConsumedMessage[] = [];
  for (const batch of batches) {
    if (batch.attributes & IS_CONTROL) continue;
    for (const r of batch.records) {
      const offset = batch.firstOffset + BigInt(r.offsetDelta);
      // A batch starts before the fetch offset when the broker returns it whole.
      if (offset < from) continue;
      const headers: Record<string, string> = {};
      for (const [hk, hv] of r.headers) if (hk) headers[hk.toString('utf8')] = hv ? hv.toString('utf8') : '';
      out.push({
        key: r.key ? r.key.toString('utf8') : null,
        value: r.value,
        offset: String(offset),
        timestamp: String(batch.firstTimestamp + r.timestampDelta),
        headers,
      });
    }
  }
  return out;
}
