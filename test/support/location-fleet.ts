import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inject } from 'vitest';
import { loadEdgeConfig, loadProcessorConfig } from '@hookstream/config';
import { buildEdgeApp, createKafkaPublisher } from '@hookstream/edge';
import { buildApp as buildEventsApi } from '@hookstream/events-api';
import { createProducer, ensureTopics, openTopicAdmin, type EventProducer, type Kafka, type OutboundMessage, type TopicAdmin } from '@hookstream/kafka';
import { locationProvider } from '@hookstream/location';
import { createLogger, createRegistry, type Gauge, type Logger } from '@hookstream/observability';
import type { Provider } from '@hookstream/pipeline';
import { providerRedaction } from '@hookstream/providers';
import { createProcessor, type Processor } from '@hookstream/processor';
import { createDataSource, createLedgerReader, ledgerFromRow, type DataSource, type LedgerRecord } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { testDatabase } from '@hookstream/testkit';
import { waitUntil } from './wait.js';
import { testKafka } from './kafka.js';

const PARTITIONS = 6;
export const RADAR_TOKEN = 'radar-e2e-webhook-token-0001';
export const REF_KEY = 'location-e2e-api-key-0001';
export const READ_TOKEN = 'location-e2e-reader-token-0123';
export const ADMIN_TOKEN = 'location-e2e-admin-token-0123456';

/** `radar` signs as Radar does; `ref` is the reference system's sender behind an API key. */
const SOURCES_YAML = `sources:
  - name: radar
    provider: location
    auth: { type: radar, token: "${RADAR_TOKEN}" }
  - name: ref
    provider: location
    auth: { type: api_key, keys: ["${REF_KEY}"] }
`;

export interface Reply {
  status: number;
  text: string;
  json: Record<string, unknown> & { code?: string; message?: string; errors?: Array<{ path: string; message: string }> };
}

export const radarHeaders = (signingId: string, token = RADAR_TOKEN): Record<string, string> => ({
  'content-type': 'application/json',
  'x-radar-signing-id': signingId,
  'x-radar-signature': createHmac('sha1', token).update(signingId).digest('hex'),
});
export const refHeaders = (key = REF_KEY): Record<string, string> => ({ 'content-type': 'application/json', 'x-api-key': key });

export interface LocationFleet {
  ds: DataSource;
  /** events-api's base URL (http://127.0.0.1:<port>). */
  apiUrl: string;
  logs: string[];
  post(source: string, body: unknown, headers: Record<string, string>): Promise<Reply>;
  /** events-api with the reader token, or the admin token with `admin`. */
  api(path: string, init?: { method?: string; body?: unknown; admin?: boolean }): Promise<Reply>;
  /** Resolves once the group has committed every message on the location topic. */
  drained(): Promise<void>;
  /** Location ledger rows, in id order. */
  rows(): Promise<LedgerRecord[]>;
  query(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** The geofence stream's messages so far (JSON values), read by a consumer of its own. */
  streamed(): Array<Record<string, unknown>>;
  /** Produces messages to the location topic directly, as a Kafka redelivery would. */
  reproduce(messages: readonly OutboundMessage[]): Promise<void>;
  published: OutboundMessage[];
  /** Waits until every replica's geofence index has applied the changes committed so far. */
  geofencesSynced(): Promise<void>;
  stop(): Promise<void>;
}

function captureLogger(lines: string[], env: Record<string, string>): Logger {
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return createLogger({ name: 'location-e2e', level: process.env.E2E_LOG_LEVEL ?? 'info', destination, ...providerRedaction([locationProvider], env) });
}

/**
 * The location provider in one test process, all real: the edge with its route, processor
 * replicas in the location group, events-api with its reads and geofence admin routes, on the
 * integration broker and database; a consumer reads the geofence stream.
 */
export async function startLocationFleet(
  opts: { processors?: number; env?: Record<string, string>; /** events-api also serves the console's build from here. */ consoleDir?: string } = {},
): Promise<LocationFleet> {
  const brokers = inject('kafkaBrokers');
  const suffix = randomBytes(4).toString('hex');
  const topic = `location.events.e2e-${suffix}`;
  const geoTopic = `location.geofence-events.e2e-${suffix}`;
  const groupId = `hookstream-location-e2e-${suffix}`;
  const dir = mkdtempSync(join(tmpdir(), 'hookstream-location-e2e-'));
  const sourcesFile = join(dir, 'sources.yaml');
  writeFileSync(sourcesFile, SOURCES_YAML);
  const store: MigratedStore = await openMigratedStore(await testDatabase('hs_location'), 5, locationProvider.migrations ?? []);
  const env: Record<string, string> = {
    KAFKA_BROKERS: brokers,
    DATABASE_URL: store.url,
    PROVIDERS: 'location',
    SOURCES_FILE: sourcesFile,
    LOCATION_KAFKA_TOPIC: topic,
    LOCATION_KAFKA_GROUP_ID: groupId,
    GEOFENCE_EVENTS_TOPIC: geoTopic,
    GEOFENCE_REFRESH_MS: '100',
    GEOFENCE_REPUBLISH_AFTER_MS: '500',
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    KAFKA_FETCH_MAX_WAIT_MS: '50',
    LOG_LEVEL: 'silent',
    ...opts.env,
  };
  const logs: string[] = [];
  const log = captureLogger(logs, env);
  const kafka = testKafka({ brokers: brokers.split(','), clientId: `location-e2e-${suffix}`, log });
  await ensureTopics(
    kafka,
    [topic, `${topic}.retry`, `${topic}.dlq`, geoTopic].map((t) => ({ topic: t, numPartitions: PARTITIONS })),
    log,
  );
  const admin: TopicAdmin = await openTopicAdmin(kafka);
  const closers: Array<() => Promise<unknown>> = [];

  const streamed: Array<Record<string, unknown>> = [];
  const reader: ReturnType<Kafka['consumer']> = kafka.consumer({ groupId: `${groupId}-stream-reader`, maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topic: geoTopic, fromBeginning: true });
  await reader.run({ eachMessage: async ({ message }) => void streamed.push(JSON.parse(String(message.value)) as Record<string, unknown>) });

  const replicas: Processor[] = [];
  for (let n = 1; n <= (opts.processors ?? 1); n++) {
    const pds = createDataSource({ url: store.url, log, poolSize: 4 });
    await pds.initialize();
    const processor = createProcessor({
      config: loadProcessorConfig(env),
      kafka: testKafka({ brokers: brokers.split(','), clientId: `location-e2e-processor-${n}`, log }),
      dataSource: pds,
      log: log.child({ replica: n }),
      env,
      parts: async (ctx) => [await (locationProvider.processor as NonNullable<Provider['processor']>)(ctx)],
    });
    await processor.start();
    replicas.push(processor);
    closers.push(
      () => processor.stop(),
      () => pds.destroy(),
    );
  }
  await waitUntil(
    `a stable location group of ${replicas.length}`,
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
  const part = await (locationProvider.edge as NonNullable<Provider['edge']>)(hostCtx);
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
    parts: [{ provider: locationProvider.id, part }],
  });
  const ledger = createLedgerReader(store.ds);
  const apiPart = await (locationProvider.api as NonNullable<Provider['api']>)({
    ...hostCtx,
    registry: createRegistry('events-api', false),
    dataSource: store.ds,
    ledger,
  });
  const api = await buildEventsApi({
    config: { EVENTS_API_TOKENS: [READ_TOKEN], ADMIN_API_TOKENS: [ADMIN_TOKEN] },
    ledger,
    parts: [{ provider: 'location', part: apiPart }],
    log,
    ready: async () => true,
    dataSource: store.ds,
    ...(opts.consoleDir ? { consoleDir: opts.consoleDir } : {}),
  });
  const urls: string[] = [];
  for (const app of [edge, api]) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    urls.push(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  }
  const [edgeUrl, apiUrl] = urls as [string, string];
  const reply = async (res: Response): Promise<Reply> => {
    const text = await res.text();
    return { status: res.status, text, json: (text === '' ? {} : JSON.parse(text)) as Reply['json'] };
  };
  const query = async (sql: string, params: unknown[] = []) => (await store.ds.query(sql, params)) as Array<Record<string, unknown>>;
  const seqNow = async (): Promise<number> => Number((await query('SELECT seq FROM geofence_seq WHERE id = 1'))[0]?.seq ?? 0);
  // Each replica reports the last change its index applied; synced once all reached the table's.
  const geofencesSynced = async (): Promise<void> => {
    const target = await seqNow();
    await waitUntil('every replica to apply the geofence changes', async () => {
      for (const p of replicas) {
        const gauge = p.registry.getSingleMetric('hookstream_location_geofence_changes_applied_seq') as Gauge | undefined;
        const value = (await gauge?.get())?.values[0]?.value ?? -1;
        if (value < target) return false;
      }
      return true;
    });
  };

  return {
    ds: store.ds,
    apiUrl,
    logs,
    published,
    post: async (source, body, headers) =>
      reply(await fetch(`${edgeUrl}/webhooks/location/${source}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })),
    api: async (path, init = {}) =>
      reply(
        await fetch(`${apiUrl}${path}`, {
          method: init.method ?? 'GET',
          headers: {
            authorization: `Bearer ${init.admin ? ADMIN_TOKEN : READ_TOKEN}`,
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        }),
      ),
    async drained() {
      await waitUntil(
        'the location group to commit every message',
        async () => {
          const high = await admin.partitions(topic);
          const committed = await admin.committed(groupId, topic);
          return high.every((p) => p.high === 0n || committed.get(p.partition) === p.high);
        },
        90_000,
        100,
      );
    },
    rows: async () => (await query("SELECT * FROM events WHERE provider = 'location' ORDER BY id")).map(ledgerFromRow),
    query,
    streamed: () => streamed,
    reproduce: async (messages) => void (await producer.send(topic, messages, 10_000)),
    geofencesSynced,
    async stop() {
      await edge.close();
      await api.close();
      for (const close of closers) await close();
      await reader.disconnect();
      await producer.disconnect();
      await admin.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
