import { openTopicAdmin, type Kafka, type TopicAdmin } from '@hookstream/kafka';
import { Gauge, type Logger, type Registry } from '@hookstream/observability';

const NAME = 'hookstream_kafka_dlq_messages';
/** Scrapes within this long reuse the last answer, so a busy scraper does not hammer the broker. */
const CACHE_MS = 2_000;

export interface DlqSizeGauge {
  /** Stops reporting and closes the admin connection. */
  close(): Promise<void>;
}

/**
 * Messages each dead-letter topic retains, summed over its partitions (high watermark minus
 * low), read from the broker at scrape time. Kafka never removes a message that was redriven,
 * so this is what the topic holds, not what is still to be handled; it drops only as
 * retention deletes old segments. Every replica reports the whole topic, so a fleet's view
 * takes the max across replicas, never the sum.
 */
export function dlqSizeGauge(kafka: Kafka, registry: Registry, topics: readonly string[], log: Logger): DlqSizeGauge {
  let admin: Promise<TopicAdmin> | undefined;
  let cached: { at: number; sizes: Array<[string, number]> } | undefined;
  let closed = false;
  const dropAdmin = async (): Promise<void> => {
    const a = admin;
    admin = undefined;
    await a?.then((x) => x.close()).catch(() => undefined);
  };

  const read = async (): Promise<Array<[string, number]>> => {
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.sizes;
    admin ??= openTopicAdmin(kafka).catch((err: unknown) => {
      admin = undefined;
      throw err;
    });
    const a = await admin;
    const sizes = await Promise.all(
      topics.map(async (topic): Promise<[string, number]> => [topic, (await a.partitions(topic)).reduce((n, p) => n + Number(p.high - p.low), 0)]),
    );
    cached = { at: Date.now(), sizes };
    return sizes;
  };

  new Gauge({
    name: NAME,
    help: 'Messages the dead-letter topic retains (high minus low watermark, all partitions); redriven ones included until retention deletes them',
    labelNames: ['topic'],
    registers: [registry],
    async collect() {
      this.reset();
      if (closed) return;
      try {
        for (const [topic, n] of await read()) this.set({ topic }, n);
      } catch (err) {
        // A scrape during a broker outage shows no DLQ series rather than failing the whole page.
        log.warn({ err }, 'dead-letter topic sizes could not be read');
        // The next scrape connects afresh, with fresh metadata, instead of reusing a client that
        // just failed (seen right after topic creation: "not the leader for that topic-partition").
        await dropAdmin();
      }
    },
  });

  return {
    async close() {
      closed = true;
      registry.removeSingleMetric(NAME);
      await dropAdmin();
    },
  };
}
