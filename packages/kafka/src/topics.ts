import type { Kafka } from './client.js';
import { ensurePlatformaticTopics } from './platformatic/admin.js';
import { minIsrConfig } from './topic-config.js';
import type { Logger } from '@hookstream/observability';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Unset: min(3, brokers in the cluster), so a single local broker and a 3-node cluster both work. */
  replicationFactor?: number | undefined;
  /** Unset: 2 when the topic has more than one replica, else the broker's default (1). */
  minInsyncReplicas?: number | undefined;
}

/**
 * Creates missing topics (existing ones are left alone, whatever their partition count).
 * Every service calls this at start-up so that no one depends on broker-side auto-creation,
 * which would use the broker's defaults instead of ours.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[], log: Logger): Promise<void> {
  if (kafka.client === 'platformatic') return ensurePlatformaticTopics(kafka, specs, log);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return;
    const { brokers } = await admin.describeCluster();
    const auto = Math.max(1, Math.min(3, brokers.length));
    await admin.createTopics({
      // kafkajs's own wait retries only LEADER_NOT_AVAILABLE, but a KRaft broker may answer
      // UNKNOWN_TOPIC_OR_PARTITION for a moment after creation; waitForLeaders() below copes.
      waitForLeaders: false,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions,
        replicationFactor: s.replicationFactor ?? auto,
        configEntries: minIsrConfig(s, s.replicationFactor ?? auto),
      })),
    });
    log.info({ topics: missing.map((s) => s.topic) }, 'created topics');
  } catch (err) {
    // Two services starting at once race to create the same topic; the loser sees this.
    if ((err as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw err;
  } finally {
    await admin.disconnect();
  }
  await waitForLeaders(
    kafka,
    specs.map((s) => s.topic),
  );
}

const TRANSIENT = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/** Resolves once every partition of the topics has a leader, so the first produce does not fail. */
async function waitForLeaders(kafka: Kafka, topics: string[], timeoutMs = 30_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        const { topics: meta } = await admin.fetchTopicMetadata({ topics });
        if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (err) {
        if (!TRANSIENT.has((err as { type?: string }).type ?? '') || Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
