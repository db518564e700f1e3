import type { Admin } from 'kafkajs';
import type { Kafka } from './client.js';
import { openPlatformaticAdmin } from './platformatic/admin.js';

export interface PartitionOffsets {
  partition: number;
  /** First offset still retained. */
  low: bigint;
  /** Offset the next message will get: the partition holds [low, high). */
  high: bigint;
}

export interface GroupDescription {
  /** Kafka's group state: Empty, Dead, Stable, PreparingRebalance, CompletingRebalance… */
  state: string;
  members: number;
}

/** The read-only admin questions the operator commands ask, with offsets as bigint. */
export interface TopicAdmin {
  partitions(topic: string): Promise<PartitionOffsets[]>;
  /** Per partition, the first offset whose timestamp is >= `timestamp`, or `high` if none. */
  offsetsAtTime(topic: string, timestamp: number): Promise<Map<number, bigint>>;
  /** Committed offsets of a group; partitions without a commit are absent. */
  committed(groupId: string, topic: string): Promise<Map<number, bigint>>;
  describeGroup(groupId: string): Promise<GroupDescription>;
  deleteGroup(groupId: string): Promise<void>;
  close(): Promise<void>;
}

export async function openTopicAdmin(kafka: Kafka): Promise<TopicAdmin> {
  if (kafka.client === 'platformatic') return openPlatformaticAdmin(kafka);
  const admin: Admin = kafka.admin();
  await admin.connect();
  return {
    async partitions(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((p) => ({ partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) })).sort((a, b) => a.partition - b.partition);
    },
    async offsetsAtTime(topic, timestamp) {
      const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, timestamp);
      return new Map(offsets.map((p) => [p.partition, BigInt(p.offset)]));
    },
    async committed(groupId, topic) {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const out = new Map<number, bigint>();
      for (const p of entry?.partitions ?? []) if (Number(p.offset) >= 0) out.set(p.partition, BigInt(p.offset));
      return out;
    },
    async describeGroup(groupId) {
      const { groups } = await admin.describeGroups([groupId]);
      const g = groups[0];
      return { state: g?.state ?? 'Dead', members: g?.members.length ?? 0 };
    },
    async deleteGroup(groupId) {
      await admin.deleteGroups([groupId]);
    },
    close: () => admin.disconnect(),
  };
}
