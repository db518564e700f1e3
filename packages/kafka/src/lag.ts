import type { Kafka } from './client.js';
import { Gauge, type Logger, type Registry } from '@hookstream/observability';
import { openTopicAdmin, type TopicAdmin } from './topic-admin.js';

/** One consumer's view: its group and, per topic, the partitions it owns now. */
export interface LagSource {
  groupId: string;
  assignment(): Readonly<Record<string, readonly number[]>>;
}

const LAG = 'hookstream_kafka_consumer_lag';
/** Scrapes within this long reuse the last answer, so a busy Prometheus does not hammer the broker. */
const CACHE_MS = 2_000;

interface LagGauge {
  add(source: LagSource): () => void;
}

/**
 * Consumer lag per group, topic and partition, for the partitions this process owns: the
 * broker's high watermark minus the group's committed offset, read from the broker at scrape
 * time (so a stalled consumer shows its lag growing, which the consumer's own batches could
 * not say). What KEDA and the alert rules scale and page on. One gauge per registry, fed by
 * every consumer of the process.
 */
export function consumerLagGauge(kafka: Kafka, registry: Registry, log: Logger): LagGauge {
  const existing = registry.getSingleMetric(LAG) as (Gauge<string> & { lag?: LagGauge }) | undefined;
  if (existing?.lag) return existing.lag;
  const sources = new Set<LagSource>();
  let admin: Promise<TopicAdmin> | undefined;
  const add = (source: LagSource): (() => void) => {
    sources.add(source);
    return () => {
      sources.delete(source);
      // The last consumer of the process is gone: its admin connection goes too.
      if (sources.size > 0 || !admin) return;
      const closing = admin;
      admin = undefined;
      void closing.then((a) => a.close()).catch(() => undefined);
    };
  };
  let cached: { at: number; rows: Array<{ labels: Record<string, string>; lag: number }> } | undefined;

  const read = async (): Promise<Array<{ labels: Record<string, string>; lag: number }>> => {
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.rows;
    admin ??= openTopicAdmin(kafka).catch((err: unknown) => {
      admin = undefined;
      throw err;
    });
    const a = await admin;
    const rows: Array<{ labels: Record<string, string>; lag: number }> = [];
    for (const s of sources) {
      for (const [topic, owned] of Object.entries(s.assignment())) {
        if (owned.length === 0) continue;
        const [high, committed] = await Promise.all([a.partitions(topic), a.committed(s.groupId, topic)]);
        for (const p of high) {
          if (!owned.includes(p.partition)) continue;
          // No commit yet: everything retained is still to be read.
          const from = committed.get(p.partition) ?? p.low;
          rows.push({ labels: { group: s.groupId, topic, partition: String(p.partition) }, lag: Number(p.high > from ? p.high - from : 0n) });
        }
      }
    }
    cached = { at: Date.now(), rows };
    return rows;
  };

  const gauge = new Gauge({
    name: LAG,
    help: "Messages not yet committed by the group, per partition this process owns (the broker's high watermark minus the committed offset)",
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const r of await read()) this.set(r.labels, r.lag);
      } catch (err) {
        // A scrape during a broker outage shows no lag series rather than failing the whole page.
        log.warn({ err }, 'consumer lag could not be read');
      }
    },
  }) as Gauge<string> & { lag?: LagGauge };
  gauge.lag = { add };
  return gauge.lag;
}
