import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { loadEdgeConfig, loadProcessorConfig } from '@hookstream/config';
import { buildEdgeApp, createKafkaPublisher, type EventPublisher } from '@hookstream/edge';
import { createProducer, ensureTopics, openTopicAdmin, type EventProducer, type Kafka, type OutboundMessage, type TopicAdmin } from '@hookstream/kafka';
import { createLogger, createRegistry, type Logger, type Tracing } from '@hookstream/observability';
import { createProcessor, type Processor } from '@hookstream/processor';
import { createDataSource, createLedgerReader, ledgerFromRow, type DataSource, type LedgerReader, type LedgerRecord } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { testDatabase } from '@hookstream/testkit';
import { sourcesProvider } from '@hookstream/sources';
import { JSON_TYPE, writeSourcesFile, type Body, type Headers, type SourcesFileOnDisk } from './sources-fixture.js';
import { waitUntil } from './wait.js';
import { testKafka } from './kafka.js';

export const PARTITIONS = 6;

export interface Reply {
  status: number;
  text: string;
  json: Record<string, unknown> & { code?: string; message?: string; errors?: Array<{ path: string; message: string }>; accepted?: number; requestId?: string };
}

export interface SourcesFleet {
  url: string;
  topic: string;
  groupId: string;
  file: SourcesFileOnDisk;
  kafka: Kafka;
  /** The processor replicas (their registries are what their /metrics would answer). */
  processors: readonly Processor[];
  /** The test's own connection, for assertions straight from the database. */
  ds: DataSource;
  databaseUrl: string;
  ledger: LedgerReader;
  log: Logger;
  /** Every delivery Kafka acknowledged, as the edge handed it to the producer. */
  published: Array<{ topic: string; messages: readonly OutboundMessage[] }>;
  post(source: string, body: Body, headers?: Headers): Promise<Reply>;
  /** Sum of the sources topic's high watermarks: how many messages Kafka ever held. */
  inTopic(): Promise<number>;
  /** Resolves once the group has committed every message on the topic: all of it is stored. */
  drained(): Promise<void>;
  /** The ledger rows of the sources provider (optionally one source), in id order. */
  rows(source?: string): Promise<LedgerRecord[]>;
  /** Produces messages to the sources topic directly, as a redelivery would bring them again. */
  reproduce(messages: readonly OutboundMessage[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The sources pipeline in one test process, all real: the edge app listening on a loopback
 * port with the provider's edge part built from SOURCES_FILE, processor replicas as members
 * of the sources consumer group, the broker and the database of the integration globalSetup.
 */
/**
 * `env` adds to or overrides the processors' settings (e.g. a short retry policy); `tracing`
 * gives the edge and the processors their tracers, as their main.ts does.
 */
export async function startSourcesFleet(
  opts: { processors?: number; env?: Record<string, string>; tracing?: { edge: Tracing; processor: Tracing } } = {},
): Promise<SourcesFleet> {
  const log = createLogger({ name: 'sources-e2e', level: process.env.E2E_LOG_LEVEL ?? 'silent' });
  const brokers = inject('kafkaBrokers');
  const suffix = randomBytes(4).toString('hex');
  const topic = `sources.events.e2e-${suffix}`;
  const groupId = `hookstream-sources-e2e-${suffix}`;
  const file = writeSourcesFile();
  // The provider's own migrations too, as every service that hosts it applies them.
  const store: MigratedStore = await openMigratedStore(await testDatabase('hs_sources'), 5, sourcesProvider.migrations ?? []);
  const env = {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: store.url,
    DATABASE_POOL_SIZE: '4',
    PROVIDERS: 'sources',
    SOURCES_FILE: file.path,
    SOURCES_KAFKA_TOPIC: topic,
    SOURCES_KAFKA_GROUP_ID: groupId,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    // Short fetch waits so that drained() is quick; the batches are still real batches.
    KAFKA_FETCH_MAX_WAIT_MS: '50',
    LOG_LEVEL: 'silent',
    ...opts.env,
  };

  const kafka = testKafka({ brokers: brokers.split(','), clientId: `sources-e2e-${suffix}`, log });
  await ensureTopics(
    kafka,
    [topic, `${topic}.retry`, `${topic}.dlq`].map((t) => ({ topic: t, numPartitions: PARTITIONS })),
    log,
  );
  const admin: TopicAdmin = await openTopicAdmin(kafka);

  const processorConfig = loadProcessorConfig(env);
  const replicas: Array<{ processor: Processor; ds: DataSource }> = [];
  for (let n = 1; n <= (opts.processors ?? 2); n++) {
    const pds = createDataSource({ url: store.url, log, poolSize: 4 });
    await pds.initialize();
    const processor = createProcessor({
      config: processorConfig,
      kafka: testKafka({ brokers: brokers.split(','), clientId: `sources-e2e-processor-${n}`, log }),
      dataSource: pds,
      log: log.child({ replica: n }),
      env,
      parts: async (ctx) => [await (sourcesProvider.processor as NonNullable<typeof sourcesProvider.processor>)({ ...ctx, tracing: opts.tracing?.processor })],
    });
    await processor.start();
    replicas.push({ processor, ds: pds });
  }

  // Every replica owns partitions before the tests start, so concurrent writers are real.
  await waitUntil(
    `a stable group of ${replicas.length}`,
    async () => {
      const g = await admin.describeGroup(groupId);
      return g.state === 'Stable' && g.members === replicas.length;
    },
    90_000,
  );

  const edgeConfig = loadEdgeConfig(env);
  const producer: EventProducer = createProducer(kafka, log);
  await producer.connect();
  const inner = createKafkaPublisher(producer, edgeConfig.EDGE_PRODUCE_TIMEOUT_MS);
  const published: SourcesFleet['published'] = [];
  const publisher: EventPublisher = {
    ready: inner.ready,
    async publish(t, messages, o) {
      await inner.publish(t, messages, o);
      published.push({ topic: t, messages });
    },
  };
  const registry = createRegistry('edge');
  const part = await (sourcesProvider.edge as NonNullable<typeof sourcesProvider.edge>)({ env, log, now: Date.now, registry });
  const edge = await buildEdgeApp({
    config: edgeConfig,
    publisher,
    log,
    registry,
    parts: [{ provider: sourcesProvider.id, part }],
    ...(opts.tracing ? { tracing: opts.tracing.edge } : {}),
  });
  await edge.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(edge.server.address() as AddressInfo).port}`;

  return {
    url,
    processors: replicas.map((r) => r.processor),
    databaseUrl: store.url,
    topic,
    groupId,
    file,
    kafka,
    ds: store.ds,
    ledger: createLedgerReader(store.ds),
    log,
    published,
    async post(source, body, headers = JSON_TYPE) {
      const res = await fetch(`${url}/webhooks/sources/${source}`, { method: 'POST', headers, body });
      const text = await res.text();
      return { status: res.status, text, json: JSON.parse(text) as Reply['json'] };
    },
    inTopic: async () => (await admin.partitions(topic)).reduce((n, p) => n + Number(p.high), 0),
    async drained() {
      await waitUntil(
        'the sources group to commit every message',
        async () => {
          const high = await admin.partitions(topic);
          const committed = await admin.committed(groupId, topic);
          return high.every((p) => p.high === 0n || committed.get(p.partition) === p.high);
        },
        90_000,
        100,
      );
    },
    async rows(source) {
      const rows = (await store.ds.query(
        `SELECT * FROM events WHERE provider = 'sources'${source === undefined ? '' : ' AND source = ?'} ORDER BY id`,
        source === undefined ? [] : [source],
      )) as Array<Record<string, unknown>>;
      return rows.map(ledgerFromRow);
    },
    async reproduce(messages) {
      await producer.send(topic, messages, 10_000);
    },
    async stop() {
      await edge.close();
      for (const r of replicas) {
        await r.processor.stop();
        await r.ds.destroy();
      }
      await producer.disconnect();
      await admin.close();
      await store.close();
      file.remove();
    },
  };
}
