import { decodeEnvelope, type Kafka } from '@hookstream/kafka';
import { eventKeyOf } from '@hookstream/testkit';
import type { HubSpotEvent } from '@hookstream/hubspot';

/** Offsets keyed by "topic:partition". */
export type Offsets = Map<string, number>;

export interface GroupMember {
  memberId: string;
  clientId: string;
  /** "topic:partition" of every partition assigned to it. */
  partitions: string[];
}

export interface KafkaProbe {
  /** Next offset to be written, per partition of the group's topics. */
  highWatermarks(): Promise<Offsets>;
  /** The group's committed offsets (-1 where nothing was committed). */
  committed(): Promise<Offsets>;
  /** Messages not yet committed by the group, per partition. */
  lag(): Promise<Offsets>;
  /** True when the group committed at least up to `target` on every partition. */
  reached(target: Offsets): Promise<boolean>;
  group(): Promise<{ state: string; members: GroupMember[] }>;
  /** Messages ever written to one topic (sum of its high watermarks). */
  messages(topic: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Decodes a consumer-protocol assignment (version, [topic, [partition]], userData), which the
 * admin API hands back as bytes.
 */
export function decodeAssignment(buf: Buffer): string[] {
  if (buf.length < 6) return [];
  let o = 2;
  const topics = buf.readInt32BE(o);
  o += 4;
  const out: string[] = [];
  for (let t = 0; t < topics; t++) {
    const len = buf.readInt16BE(o);
    o += 2;
    const name = buf.toString('utf8', o, o + len);
    o += len;
    const count = buf.readInt32BE(o);
    o += 4;
    for (let i = 0; i < count; i++, o += 4) out.push(`${name}:${buf.readInt32BE(o)}`);
  }
  return out.sort();
}

/** Watches one consumer group over its topics (the events topic and the processor's retry topic). */
export async function createKafkaProbe(kafka: Kafka, topics: readonly string[], groupId: string): Promise<KafkaProbe> {
  const admin = kafka.admin();
  await admin.connect();
  const highOf = async (topic: string): Promise<Offsets> =>
    new Map((await admin.fetchTopicOffsets(topic)).map((p) => [`${topic}:${p.partition}`, Number(p.high)]));
  const highWatermarks = async (): Promise<Offsets> => new Map((await Promise.all(topics.map(highOf))).flatMap((m) => [...m]));
  const committed = async (): Promise<Offsets> => {
    const all = await admin.fetchOffsets({ groupId, topics: [...topics] });
    return new Map(all.flatMap((t) => t.partitions.map((p) => [`${t.topic}:${p.partition}`, Number(p.offset)] as const)));
  };
  return {
    highWatermarks,
    committed,
    async lag() {
      const [high, done] = await Promise.all([highWatermarks(), committed()]);
      return new Map([...high].map(([p, h]) => [p, Math.max(0, h - Math.max(0, done.get(p) ?? 0))]));
    },
    async reached(target) {
      const done = await committed();
      return [...target].every(([p, h]) => h === 0 || (done.get(p) ?? -1) >= h);
    },
    async group() {
      const { groups } = await admin.describeGroups([groupId]);
      const g = groups[0];
      return {
        state: g?.state ?? 'Unknown',
        members: (g?.members ?? []).map((m) => ({ memberId: m.memberId, clientId: m.clientId, partitions: decodeAssignment(m.memberAssignment) })),
      };
    },
    async messages(topic) {
      return [...(await highOf(topic)).values()].reduce((a, b) => a + b, 0);
    },
    close: () => admin.disconnect(),
  };
}

/** Every message on the topic, read back from offset 0 by a throwaway group: copies per event key. */
export async function readTopicKeys(kafka: Kafka, topic: string, expected: number): Promise<Map<string, number>> {
  const copies = new Map<string, number>();
  if (expected === 0) return copies;
  const consumer = kafka.consumer({ groupId: `${topic}-audit-${Date.now()}`, maxWaitTimeInMs: 250 });
  await consumer.connect();
  let seen = 0;
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const e = decodeEnvelope(m.value).event as HubSpotEvent;
              const k = eventKeyOf(e);
              copies.set(k, (copies.get(k) ?? 0) + 1);
              seen += 1;
            }
            if (seen >= expected) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return copies;
}
