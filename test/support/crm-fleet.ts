import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { loadEdgeConfig, loadProcessorConfig } from '@hookstream/config';
import { crmProvider } from '@hookstream/crm';
import { buildEdgeApp, createKafkaPublisher } from '@hookstream/edge';
import { buildApp as buildEventsApi } from '@hookstream/events-api';
import { createProducer, ensureTopics, openTopicAdmin, type EventProducer, type OutboundMessage, type TopicAdmin } from '@hookstream/kafka';
import { createLogger, createRegistry, type Logger, type Registry } from '@hookstream/observability';
import type { Provider } from '@hookstream/pipeline';
import { providerRedaction } from '@hookstream/providers';
import { createProcessor, type Processor } from '@hookstream/processor';
import { createDataSource, createLedgerReader, ledgerFromRow, type DataSource, type LedgerRecord } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { testDatabase } from '@hookstream/testkit';
import { API_TOKEN, writeCrmSourcesFile, type SourcesFileOnDisk } from './crm-fixture.js';
import { waitUntil } from './wait.js';
import { testKafka } from './kafka.js';

const PARTITIONS = 6;

export interface Reply {
  status: number;
  text: string;
  json: Record<string, unknown> & { code?: string; message?: string; errors?: Array<{ path: string; message: string }> };
}

export interface CrmFleet {
  env: Record<string, string>;
  file: SourcesFileOnDisk;
  /** The test's own connection, for assertions straight from the database. */
  ds: DataSource;
  log: Logger;
  /** Every log line of the edge, the processors and events-api. */
  logs: string[];
  edgeRegistry: Registry;
  post(source: string, body: unknown, headers: Record<string, string>): Promise<Reply>;
  /** GET on events-api with a reader token. */
  api(path: string): Promise<Reply>;
  /** Sum of the crm topic's high watermarks: how many messages Kafka ever held. */
  inTopic(): Promise<number>;
  /** Resolves once the group has committed every message on the topic: all of it is stored. */
  drained(): Promise<void>;
  rows(): Promise<LedgerRecord[]>;
  query(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Produces messages to the crm topic directly, as a Kafka redelivery would bring them again. */
  reproduce(messages: readonly OutboundMessage[]): Promise<void>;
  /** Every message the edge had Kafka acknowledge. */
  published: OutboundMessage[];
  stop(): Promise<void>;
}

function captureLogger(name: string, level: string, lines: string[], provider: Provider, env: Record<string, string>): Logger {
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  // As the services build theirs: with the hosted providers' redaction.
  return createLogger({ name, level, destination, ...providerRedaction([provider], env) });
}

/**
 * The crm provider in one test process, all real: the edge app with its route, processor
 * replicas in the crm consumer group, events-api with its read routes, on the broker and
 * database of the integration globalSetup. Every log line is kept for the PII checks.
 */
export async function startCrmFleet(opts: { processors?: number; logLevel?: string } = {}): Promise<CrmFleet> {
  const brokers = inject('kafkaBrokers');
  const suffix = randomBytes(4).toString('hex');
  const topic = `crm.events.e2e-${suffix}`;
  const groupId = `hookstream-crm-e2e-${suffix}`;
  const file = writeCrmSourcesFile();
  const store: MigratedStore = await openMigratedStore(await testDatabase('hs_crm'), 5, crmProvider.migrations ?? []);
  const env = {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: store.url,
    PROVIDERS: 'crm',
    SOURCES_FILE: file.path,
    CRM_KAFKA_TOPIC: topic,
    CRM_KAFKA_GROUP_ID: groupId,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    KAFKA_FETCH_MAX_WAIT_MS: '50',
    EVENTS_API_TOKENS: API_TOKEN,
    LOG_LEVEL: 'silent',
  };
  const logs: string[] = [];
  const log = captureLogger('crm-e2e', opts.logLevel ?? process.env.E2E_LOG_LEVEL ?? 'silent', logs, crmProvider, env);
  const kafka = testKafka({ brokers: brokers.split(','), clientId: `crm-e2e-${suffix}`, log });
  await ensureTopics(
    kafka,
    [topic, `${topic}.retry`, `${topic}.dlq`].map((t) => ({ topic: t, numPartitions: PARTITIONS })),
    log,
  );
  const admin: TopicAdmin = await openTopicAdmin(kafka);
  const closers: Array<() => Promise<unknown>> = [];

  const replicas: Processor[] = [];
  for (let n = 1; n <= (opts.processors ?? 2); n++) {
    const pds = createDataSource({ url: store.url, log, poolSize: 4 });
    await pds.initialize();
    const processor = createProcessor({
      config: loadProcessorConfig(env),
      kafka: testKafka({ brokers: brokers.split(','), clientId: `crm-e2e-processor-${n}`, log }),
      dataSource: pds,
      log: log.child({ replica: n }),
      env,
      parts: async (ctx) => [await (crmProvider.processor as NonNullable<Provider['processor']>)(ctx)],
    });
    await processor.start();
    replicas.push(processor);
    closers.push(
      () => processor.stop(),
      () => pds.destroy(),
    );
  }
  await waitUntil(
    `a stable crm group of ${replicas.length}`,
    async () => {
      const g = await admin.describeGroup(groupId);
      return g.state === 'Stable' && g.members === replicas.length;
    },
    90_000,
  );

  const producer: EventProducer = createProducer(kafka, log);
  await producer.connect();
  const inner = createKafkaPublisher(producer, 4000);
  const published: OutboundMessage[] = [];
  const edgeRegistry = createRegistry('edge', false);
  const hostCtx = { env, log, now: Date.now, registry: edgeRegistry };
  const part = await (crmProvider.edge as NonNullable<Provider['edge']>)(hostCtx);
  const edge = await buildEdgeApp({
    config: loadEdgeConfig(env),
    publisher: {
      ready: inner.ready,
      async publish(t, messages, o) {
        await inner.publish(t, messages, o);
        published.push(...messages);
      },
    },
    log,
    registry: edgeRegistry,
    parts: [{ provider: crmProvider.id, part }],
  });
  const ledger = createLedgerReader(store.ds);
  const apiPart = await (crmProvider.api as NonNullable<Provider['api']>)({
    ...hostCtx,
    registry: createRegistry('events-api', false),
    dataSource: store.ds,
    ledger,
  });
  const api = await buildEventsApi({
    config: { EVENTS_API_TOKENS: [API_TOKEN] },
    ledger,
    parts: [{ provider: 'crm', part: apiPart }],
    log,
    ready: async () => true,
  });
  const urls: string[] = [];
  for (const app of [edge, api]) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    urls.push(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  }
  const [edgeUrl, apiUrl] = urls as [string, string];
  const reply = async (res: Response): Promise<Reply> => {
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text) as Reply['json'] };
  };
  const query = async (sql: string, params: unknown[] = []) => (await store.ds.query(sql, params)) as Array<Record<string, unknown>>;

  return {
    env,
    file,
    log,
    ds: store.ds,
    logs,
    edgeRegistry,
    published,
    post: async (source, body, headers) =>
      reply(await fetch(`${edgeUrl}/api/v1/webhook/${source}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })),
    api: async (path) => reply(await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${API_TOKEN}` } })),
    inTopic: async () => (await admin.partitions(topic)).reduce((n, p) => n + Number(p.high), 0),
    async drained() {
      await waitUntil(
        'the crm group to commit every message',
        async () => {
          const high = await admin.partitions(topic);
          const committed = await admin.committed(groupId, topic);
          return high.every((p) => p.high === 0n || committed.get(p.partition) === p.high);
        },
        90_000,
        100,
      );
    },
    rows: async () => (await query("SELECT * FROM events WHERE provider = 'crm' ORDER BY id")).map(ledgerFromRow),
    query,
    reproduce: async (messages) => void (await producer.send(topic, messages, 10_000)),
    async stop() {
      await edge.close();
      await api.close();
      for (const close of closers) await close();
      await producer.disconnect();
      await admin.close();
      await store.close();
      file.remove();
    },
  };
}
