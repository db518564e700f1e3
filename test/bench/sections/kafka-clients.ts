import { randomBytes } from 'node:crypto';
import { createBatchConsumer, createKafka, createProducer, type Kafka, type KafkaClientOptions, type OutboundMessage } from '@hookstream/kafka';
import { consumeCount } from '@hookstream/kafka/throughput';
import type { BenchEnv } from '../env.js';
import type { Figure } from '../report.js';
import type { Profile } from '../profiles.js';
import { percentile, round } from '../stats.js';
import { envelopesFor, importEvent } from '../workload.js';
import { producerPerformance } from './kafka-ceiling.js';

type Client = NonNullable<KafkaClientOptions['client']>;
const CLIENTS: readonly Client[] = ['kafkajs', 'platformatic'];

/** Sizes per profile: quick stays within a couple of minutes on a 2-core machine. */
function sizes(profile: Profile): { oneSends: number; oneCallers: number; batchSends: number; batchCallers: number; consumeEvents: number } {
  const f = profile.name === 'full' ? 4 : 1;
  return { oneSends: 20_000 * f, oneCallers: 64, batchSends: 1_000 * f, batchCallers: 8, consumeEvents: 100_000 * f };
}

export interface ProduceRun {
  events: number;
  eventsPerSec: number;
  sendP50Ms: number;
  sendP99Ms: number;
}

/**
 * `callers` concurrent callers each await createProducer().send() of `batch` edge-like
 * envelopes (acks=all) until `sends` sends are done, as the edge's concurrent requests do.
 */
async function produce(kafka: Kafka, env: BenchEnv, topic: string, sends: number, batch: number, callers: number): Promise<ProduceRun> {
  const producer = createProducer(kafka, env.log);
  await producer.connect();
  const batches: OutboundMessage[][] = Array.from({ length: 64 }, (_, b) =>
    envelopesFor(
      Array.from({ length: batch }, (_, i) => importEvent(b * batch + i, 7)),
      Date.now(),
      `kc-${b}`,
    ),
  );
  const latencies: number[] = [];
  let next = 0;
  try {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (next < sends) {
          const n = next++;
          const t = performance.now();
          await producer.send(topic, batches[n % batches.length] as OutboundMessage[], 30_000);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const sec = (performance.now() - started) / 1000;
    return {
      events: sends * batch,
      eventsPerSec: round((sends * batch) / sec, 0),
      sendP50Ms: round(percentile(latencies, 50), 2),
      sendP99Ms: round(percentile(latencies, 99), 2),
    };
  } finally {
    await producer.disconnect();
  }
}

/**
 * The two Kafka client libraries (KAFKA_CLIENT) side by side against the same broker in one
 * run: createProducer's events/s with 1-event and 100-event sends (acks=all), and each
 * library's consumer reading the same prefilled topic in a fresh group, committing after every
 * batch. The 100-event figure's ceiling is Kafka's own ProducerPerformance on this broker.
 * Each measurement runs twice, the clients alternating, and keeps the better run, so a burst
 * of other load on the machine hurts neither client alone.
 */
export async function runKafkaClientsSection(env: BenchEnv, profile: Profile, push: (f: Figure) => void): Promise<void> {
  const s = sizes(profile);
  const handle = (client: Client): Kafka => createKafka({ client, brokers: env.brokers, clientId: `bench-kc-${client}`, log: env.log });
  const best = new Map<string, ProduceRun>();
  const keep = (id: string, r: ProduceRun): void => {
    const prev = best.get(id);
    if (!prev || r.eventsPerSec > prev.eventsPerSec) best.set(id, r);
  };
  for (const pass of [1, 2]) {
    for (const client of pass === 1 ? CLIENTS : [...CLIENTS].reverse()) {
      env.progress(`kafka clients: ${client} producer, ${s.oneSends} 1-event sends from ${s.oneCallers} callers (round ${pass})`);
      keep(`${client}.one`, await produce(handle(client), env, await env.newTopic('kc-one'), s.oneSends, 1, s.oneCallers));
      env.progress(`kafka clients: ${client} producer, ${s.batchSends} 100-event sends from ${s.batchCallers} callers (round ${pass})`);
      keep(`${client}.hundred`, await produce(handle(client), env, await env.newTopic('kc-hundred'), s.batchSends, 100, s.batchCallers));
    }
  }

  const sample = envelopesFor([importEvent(0, 7)], Date.now(), 'kc-size');
  const recordSize = sample[0]?.value.length ?? 600;
  // As many records as the edge section's ceiling: at 100 000 the JVM's warm-up dominates and
  // the "ceiling" came out below both Node clients (7 903 records/s in the first run).
  env.progress(`kafka clients: broker ceiling, ProducerPerformance ${profile.kafkaRecords} records of ${recordSize} bytes, acks=all`);
  const ceiling = await producerPerformance({
    brokers: env.brokers,
    topic: await env.newTopic('kc-perf'),
    records: profile.kafkaRecords,
    recordSize,
    log: env.log,
  });

  // One prefilled topic for every consumer run: each reads the same messages in a fresh group.
  const consumeTopic = await env.newTopic('kc-consume');
  env.progress(`kafka clients: prefilling ${s.consumeEvents} events for the consumers`);
  await produce(handle('kafkajs'), env, consumeTopic, s.consumeEvents / 100, 100, s.batchCallers);
  const consumed = new Map<Client, { eventsPerSec: number; commits: number }>();
  for (const pass of [1, 2]) {
    for (const client of pass === 1 ? CLIENTS : [...CLIENTS].reverse()) {
      env.progress(`kafka clients: ${client} consumer, ${s.consumeEvents} events (round ${pass})`);
      const r = await consumeCount(handle(client), {
        topic: consumeTopic,
        groupId: `kc-${client}-${pass}-${randomBytes(3).toString('hex')}`,
        count: s.consumeEvents,
      });
      const eps = Math.round(r.messages / r.seconds);
      if (eps > (consumed.get(client)?.eventsPerSec ?? 0)) consumed.set(client, { eventsPerSec: eps, commits: r.commits });
    }
  }

  pushFigures();
  // createBatchConsumer itself (what the processors and the dispatcher run), same topic, fresh groups.
  const batched = new Map<Client, number>();
  for (const pass of [1, 2]) {
    for (const client of pass === 1 ? CLIENTS : [...CLIENTS].reverse()) {
      env.progress(`kafka clients: ${client} createBatchConsumer, ${s.consumeEvents} events (round ${pass})`);
      const eps = await batchConsume(handle(client), env, consumeTopic, `kc-batch-${client}-${pass}-${randomBytes(3).toString('hex')}`, s.consumeEvents);
      batched.set(client, Math.max(batched.get(client) ?? 0, eps));
    }
  }
  for (const client of CLIENTS)
    push({
      id: `kafka-clients.${client}.batch-consumer.eps`,
      label: `${client} createBatchConsumer (events/s)`,
      value: batched.get(client) ?? Number.NaN,
      unit: 'ev/s',
      higherIsBetter: true,
      note: `${s.consumeEvents} events on 12 partitions, a handler that only counts, commit after every batch`,
    });

  function pushFigures(): void {
    for (const client of CLIENTS) {
      const one = best.get(`${client}.one`) as ProduceRun;
      const hundred = best.get(`${client}.hundred`) as ProduceRun;
      const c = consumed.get(client);
      push({
        id: `kafka-clients.${client}.producer.1event.eps`,
        label: `${client} producer, 1-event sends (events/s)`,
        value: one.eventsPerSec,
        unit: 'ev/s',
        higherIsBetter: true,
        note: `send p50 ${one.sendP50Ms} ms, p99 ${one.sendP99Ms} ms, ${s.oneCallers} concurrent callers`,
        details: { ...one },
      });
      push({
        id: `kafka-clients.${client}.producer.100event.eps`,
        label: `${client} producer, 100-event sends (events/s)`,
        value: hundred.eventsPerSec,
        unit: 'ev/s',
        ceiling: ceiling.recordsPerSec,
        ceilingLabel: 'ProducerPerformance',
        higherIsBetter: true,
        note: `send p50 ${hundred.sendP50Ms} ms, p99 ${hundred.sendP99Ms} ms, ${s.batchCallers} concurrent callers`,
        details: { ...hundred, ceiling },
      });
      push({
        id: `kafka-clients.${client}.consumer.eps`,
        label: `${client} consumer, commit per batch (events/s)`,
        value: c?.eventsPerSec ?? Number.NaN,
        unit: 'ev/s',
        higherIsBetter: true,
        note: `${s.consumeEvents} events of ${recordSize} bytes on 12 partitions, ${c?.commits ?? 0} commits`,
        details: { events: s.consumeEvents, commits: c?.commits },
      });
    }
  }
}

/** createBatchConsumer in a fresh group until `count` messages were handled: events/s from the first batch. */
async function batchConsume(kafka: Kafka, env: BenchEnv, topic: string, groupId: string, count: number): Promise<number> {
  let seen = 0;
  let first = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const consumer = createBatchConsumer(kafka, {
    groupId,
    topics: [topic],
    log: env.log,
    handle: async ({ messages }) => {
      if (first === 0) first = performance.now();
      seen += messages.length;
      if (seen >= count) finish();
      return { lastDurableOffset: messages[messages.length - 1]?.offset ?? null };
    },
  });
  await consumer.start();
  try {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${groupId}: ${seen} of ${count} messages in 300 s`)), 300_000);
    });
    await Promise.race([done, limit]).finally(() => clearTimeout(timer));
    return Math.round(seen / ((performance.now() - first) / 1000));
  } finally {
    await consumer.stop();
  }
}
