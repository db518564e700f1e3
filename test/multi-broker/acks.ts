import { createKafka, createProducer, ensureTopics, type Kafka, type KafkaClientName } from '@hookstream/kafka';
import type { Logger } from '@hookstream/observability';

/**
 * Proof that a client sends acks=all, judged by the brokers: a topic with 3 replicas and
 * min.insync.replicas=3 refuses acks=all writes (NOT_ENOUGH_REPLICAS) once one node is down,
 * while an acks=1 write still lands on its leader. A producer whose write succeeds there sent
 * less than acks=all, and loses acknowledged events when a leader dies before its followers
 * copy them (what @platformatic/kafka 2.12.1 did by default).
 */
export interface AcksProbe {
  readonly topic: string;
  /** What one write to the strict topic did with each producer, while a node is down. */
  check(): Promise<{ acksOne: Outcome; byClient: Record<KafkaClientName, Outcome> }>;
}

/** 'refused': the brokers answered an error; 'timed out': no answer in time, which proves nothing. */
type Outcome = 'refused' | 'written' | 'timed out';

const CLIENTS: KafkaClientName[] = ['kafkajs', 'platformatic'];

export async function createAcksProbe(brokers: string[], admin: Kafka, topic: string, log: Logger): Promise<AcksProbe> {
  // ensureTopics waits for every partition's leader (a KRaft broker may not know a new topic for a moment).
  await ensureTopics(admin, [{ topic, numPartitions: 3, replicationFactor: 3, minInsyncReplicas: 3 }], log);
  const outcome = (write: Promise<unknown>): Promise<Outcome> =>
    write.then(
      () => 'written',
      (err: unknown) => ((err as { code?: unknown }).code === 'KAFKA_TIMEOUT' ? 'timed out' : 'refused'),
    );
  return {
    topic,
    async check() {
      const message = { key: 'acks-probe', value: Buffer.from('acks-probe') };
      // The control: the raw kafkajs producer with acks=1, which the brokers accept with a node down.
      const raw = admin.producer({ allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 100 } });
      await raw.connect();
      const acksOne = await outcome(raw.send({ topic, acks: 1, messages: [message] })).finally(() => raw.disconnect());
      const byClient = {} as Record<KafkaClientName, Outcome>;
      for (const client of CLIENTS) {
        const producer = createProducer(createKafka({ client, brokers, clientId: `acks-probe-${client}`, log }), log);
        await producer.connect();
        byClient[client] = await outcome(producer.send(topic, [message], 5_000)).finally(() => producer.disconnect());
      }
      return { acksOne, byClient };
    },
  };
}
