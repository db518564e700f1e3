import { Admin, ListOffsetTimestamps, type GenericError } from '@platformatic/kafka';
import type { Logger } from '@hookstream/observability';
import type { Kafka } from '../client.js';
import type { TopicAdmin } from '../topic-admin.js';
import type { TopicSpec } from '../topics.js';
import { minIsrConfig } from '../topic-config.js';
import { baseOptions } from './base.js';

function createAdmin(kafka: Kafka): Admin {
  return new Admin(baseOptions(kafka));
}

/** Whether a @platformatic/kafka error (or one of the errors it aggregates) is this Kafka error code. */
export function hasKafkaError(err: unknown, id: string): boolean {
  const e = err as Partial<GenericError> | null;
  return typeof e?.findBy === 'function' && e.findBy('apiId', id) !== null;
}

/** openTopicAdmin over @platformatic/kafka: the same answers as the kafkajs one, offsets as bigint. */
export async function openPlatformaticAdmin(kafka: Kafka): Promise<TopicAdmin> {
  const admin = createAdmin(kafka);
  // Connects now, so a broker that cannot be reached fails here like kafkajs's admin.connect().
  await admin.listApis();
  const partitionIds = async (topic: string): Promise<number[]> => {
    const meta = await admin.metadata({ topics: [topic], forceUpdate: true });
    const count = meta.topics.get(topic)?.partitionsCount ?? 0;
    return Array.from({ length: count }, (_, i) => i);
  };
  const offsetsAt = async (topic: string, ids: number[], timestamp: bigint): Promise<Map<number, bigint>> => {
    const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions: ids.map((partitionIndex) => ({ partitionIndex, timestamp })) }] });
    return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
  };
  const partitions: TopicAdmin['partitions'] = async (topic) => {
    const ids = await partitionIds(topic);
    const [low, high] = await Promise.all([offsetsAt(topic, ids, ListOffsetTimestamps.EARLIEST), offsetsAt(topic, ids, ListOffsetTimestamps.LATEST)]);
    return ids.map((partition) => ({ partition, low: low.get(partition) ?? 0n, high: high.get(partition) ?? 0n }));
  };
  return {
    partitions,
    async offsetsAtTime(topic, timestamp) {
      const all = await partitions(topic);
      const at = await offsetsAt(
        topic,
        all.map((p) => p.partition),
        BigInt(timestamp),
      );
      // No message at or after the time: the broker answers -1; like kafkajs, that reads as the end.
      return new Map(all.map((p) => [p.partition, (at.get(p.partition) ?? -1n) >= 0n ? (at.get(p.partition) as bigint) : p.high]));
    },
    async committed(groupId, topic) {
      const partitionIndexes = await partitionIds(topic);
      const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes }] }] });
      const out = new Map<number, bigint>();
      for (const t of group?.topics ?? []) {
        if (t.name !== topic) continue;
        for (const p of t.partitions) if (p.committedOffset >= 0n) out.set(p.partitionIndex, p.committedOffset);
      }
      return out;
    },
    async describeGroup(groupId) {
      const groups = await admin.describeGroups({ groups: [groupId] });
      const g = groups.get(groupId);
      return { state: g?.state ?? 'Dead', members: g?.members.size ?? 0 };
    },
    async deleteGroup(groupId) {
      await admin.deleteGroups({ groups: [groupId] });
    },
    close: () => admin.close(),
  };
}

/** ensureTopics over @platformatic/kafka (see topics.ts for what it guarantees). */
export async function ensurePlatformaticTopics(kafka: Kafka, specs: readonly TopicSpec[], log: Logger): Promise<void> {
  const admin = createAdmin(kafka);
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0) {
      const { brokers } = await admin.metadata({ topics: [] });
      const auto = Math.max(1, Math.min(3, brokers.size));
      // One request per topic: the request's configs apply to all of its topics, and
      // min.insync.replicas depends on each topic's replication factor.
      for (const s of missing) {
        const replicas = s.replicationFactor ?? auto;
        try {
          await admin.createTopics({
            topics: [s.topic],
            partitions: s.numPartitions,
            replicas,
            configs: minIsrConfig(s, replicas),
          });
        } catch (err) {
          // Two services starting at once race to create the same topic; the loser sees this.
          if (!hasKafkaError(err, 'TOPIC_ALREADY_EXISTS')) throw err;
        }
      }
      log.info({ topics: missing.map((s) => s.topic) }, 'created topics');
    }
    await waitForLeaders(
      admin,
      specs.map((s) => s.topic),
    );
  } finally {
    await admin.close();
  }
}

const TRANSIENT = ['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER'];

/** Resolves once every partition of the topics has a leader, so the first produce does not fail. */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // No retries inside: this loop is the retry, at a 100 ms pace rather than the client's backoff.
      const meta = await admin.metadata({ topics, forceUpdate: true, retries: 0 });
      const ready = topics.every((t) => {
        const m = meta.topics.get(t);
        return m !== undefined && m.partitionsCount > 0 && m.partitions.length === m.partitionsCount && m.partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
    } catch (err) {
      // A topic the broker does not know yet is a UserError ("Unknown topic t."), not a protocol error.
      const unknown = /^Unknown topic /.test((err as Error).message);
      if (!(unknown || TRANSIENT.some((id) => hasKafkaError(err, id))) || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
