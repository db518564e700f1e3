import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEventsClient } from '@hookstream/client';
import { buildEdgeApp, createKafkaPublisher } from '@hookstream/edge';
import { createHubSpotProcessorPart, hubspotApiPart, hubspotEdgePart, loadHubSpotEdgeConfig, loadHubSpotProcessorConfig } from '@hookstream/hubspot';
import { buildApp as buildEventsApi, loadEventsApiConfig } from '@hookstream/events-api';
import { signedHeaders, type HubSpotEvent, type SignatureVersion } from '@hookstream/hubspot';
import { createProducer, ensureTopics, type EventProducer, type Kafka } from '@hookstream/kafka';
import { createLogger, type Logger, type Tracing } from '@hookstream/observability';
import { createProcessor, type Processor } from '@hookstream/processor';
import { createDataSource, createLedgerReader, runMigrations, type DataSource } from '@hookstream/store';
import { createEventReader } from '@hookstream/hubspot';
import { startFakeHubSpot, testDatabase, type FakeHubSpot, type TestDatabase } from '@hookstream/testkit';
import { waitUntil } from './wait.js';
import { testKafka } from './kafka.js';

export const SECRET = 'e2e-client-secret-0123456789';
export const PORTAL = 62515;
export const HUBSPOT_TOKEN = 'e2e-hubspot-token';
export const API_TOKEN = 'e2e-events-api-token-0123456789';

export interface ProcessorReplica {
  processor: Processor;
  kafka: Kafka;
  ds: DataSource;
  stop(): Promise<void>;
}

export interface TestFleet {
  edgeUrl: string;
  eventsApiUrl: string;
  topic: string;
  dlqTopic: string;
  groupId: string;
  fake: FakeHubSpot;
  /** A DataSource of the test itself, for assertions straight from the database. */
  ds: DataSource;
  kafka: Kafka;
  replicas: ProcessorReplica[];
  client: ReturnType<typeof createEventsClient>;
  log: Logger;
  post(
    events: readonly unknown[],
    opts?: { version?: SignatureVersion; timestamp?: number; headers?: Record<string, string>; body?: string },
  ): Promise<{ status: number; body: unknown }>;
  addProcessor(): Promise<ProcessorReplica>;
  /** Sum of the topic's high watermarks: how many messages Kafka holds. */
  topicMessages(topic?: string): Promise<number>;
  /** Resolves once the group is Stable with `members` members, each owning partitions. */
  groupStable(members: number): Promise<void>;
  /** Resolves once the group has committed every message on the topic, i.e. all of it is in the database. */
  drained(): Promise<void>;
  rowCount(): Promise<number>;
  stop(): Promise<void>;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * The real fleet in one test process: the edge and events-api listening on loopback ports,
 * processor replicas as real consumer-group members (each with its own Kafka client and
 * connection pool), the real broker and database from the integration globalSetup, and the
 * fake HubSpot API as the only stand-in. `tracing` gives the edge and the processors their
 * tracers, as their main.ts does.
 */
export async function startTestFleet(
  opts: { processors?: number; processorEnv?: Record<string, string>; fakeRateLimitMax?: number; tracing?: { edge: Tracing; processor: Tracing } } = {},
): Promise<TestFleet> {
  const log = createLogger({ name: 'e2e', level: process.env.E2E_LOG_LEVEL ?? 'silent' });
  const brokers = inject('kafkaBrokers');
  const suffix = randomBytes(4).toString('hex');
  const topic = `hubspot.events.e2e-${suffix}`;
  const dlqTopic = `${topic}.dlq`;
  const groupId = `hookstream-e2e-${suffix}`;
  const db: TestDatabase = await testDatabase();
  const ds = createDataSource({ url: db.url, log });
  await ds.initialize();
  await runMigrations(ds);

  const fake = await startFakeHubSpot({
    tokens: new Map([[PORTAL, HUBSPOT_TOKEN]]),
    log: false,
    ...(opts.fakeRateLimitMax ? { rateLimitMax: opts.fakeRateLimitMax } : {}),
  });
  const kafka = testKafka({ brokers: brokers.split(','), clientId: `e2e-${suffix}`, log });
  await ensureTopics(
    kafka,
    [
      { topic, numPartitions: 12 },
      { topic: dlqTopic, numPartitions: 12 },
    ],
    log,
  );

  const edgeConfig = loadHubSpotEdgeConfig({ KAFKA_BROKERS: brokers, HUBSPOT_CLIENT_SECRET: SECRET, KAFKA_TOPIC: topic, LOG_LEVEL: 'silent' });
  const producer: EventProducer = createProducer(kafka, log);
  await producer.connect();
  const edge = await buildEdgeApp({
    config: edgeConfig,
    publisher: createKafkaPublisher(producer, edgeConfig.EDGE_PRODUCE_TIMEOUT_MS),
    log,
    parts: [{ provider: 'hubspot', part: hubspotEdgePart(edgeConfig, log) }],
    ...(opts.tracing ? { tracing: opts.tracing.edge } : {}),
  });
  const edgeUrl = await listen(edge);

  const apiConfig = loadEventsApiConfig({ DATABASE_URL: db.url, EVENTS_API_TOKENS: API_TOKEN, LOG_LEVEL: 'silent' });
  const eventsApi = await buildEventsApi({
    config: apiConfig,
    ledger: createLedgerReader(ds),
    parts: [{ provider: 'hubspot', part: hubspotApiPart(createEventReader(ds)) }],
    log,
    ready: async () => true,
  });
  const eventsApiUrl = await listen(eventsApi);

  const processorConfig = loadHubSpotProcessorConfig({
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: dlqTopic,
    KAFKA_GROUP_ID: groupId,
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    HUBSPOT_API_BASE_URL: fake.url,
    HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
    ENRICH_INLINE_BUDGET_MS: '1500',
    ENRICH_RETRY_BASE_MS: '200',
    ENRICH_RETRY_MAX_MS: '1000',
    ENRICH_SWEEP_INTERVAL_MS: '300',
    LOG_LEVEL: 'silent',
    ...opts.processorEnv,
  });
  const replicas: ProcessorReplica[] = [];
  let n = 0;
  async function addProcessor(): Promise<ProcessorReplica> {
    n += 1;
    const pkafka = testKafka({ brokers: brokers.split(','), clientId: `e2e-processor-${n}`, log });
    const pds = createDataSource({ url: db.url, log, poolSize: 4 });
    await pds.initialize();
    const processor = createProcessor({
      config: processorConfig,
      kafka: pkafka,
      dataSource: pds,
      log: log.child({ replica: n }),
      parts: (ctx) => [createHubSpotProcessorPart(processorConfig, { ...ctx, tracing: opts.tracing?.processor })],
    });
    await processor.start();
    let stopped = false;
    const replica: ProcessorReplica = {
      processor,
      kafka: pkafka,
      ds: pds,
      async stop() {
        if (stopped) return;
        stopped = true;
        await processor.stop();
        await pds.destroy();
      },
    };
    replicas.push(replica);
    return replica;
  }
  for (let i = 0; i < (opts.processors ?? 1); i++) await addProcessor();

  const admin = kafka.admin();
  await admin.connect();
  const topicMessages = async (t = topic) => (await admin.fetchTopicOffsets(t)).reduce((sum, p) => sum + Number(p.high), 0);

  return {
    edgeUrl,
    eventsApiUrl,
    topic,
    dlqTopic,
    groupId,
    fake,
    ds,
    kafka,
    replicas,
    log,
    client: createEventsClient({ baseUrl: eventsApiUrl, token: API_TOKEN }),
    async post(events, o = {}) {
      const body = o.body ?? JSON.stringify(events);
      const url = `${edgeUrl}/webhooks/hubspot`;
      const headers =
        o.headers ?? signedHeaders({ secret: SECRET, version: o.version ?? 'v3', url, body, ...(o.timestamp !== undefined ? { timestamp: o.timestamp } : {}) });
      const res = await fetch(url, { method: 'POST', headers, body });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    addProcessor,
    topicMessages,
    async groupStable(members) {
      await waitUntil(
        `a stable group of ${members}`,
        async () => {
          const { groups } = await admin.describeGroups([groupId]);
          const g = groups[0];
          return g?.state === 'Stable' && g.members.length === members && g.members.every((m) => m.memberAssignment.length > 0);
        },
        90_000,
      );
    },
    async drained() {
      await waitUntil(
        'the consumer group to commit every message',
        async () => {
          const high = await admin.fetchTopicOffsets(topic);
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
          return high.every((p) => Number(p.high) === 0 || byPartition.get(p.partition) === Number(p.high));
        },
        90_000,
      );
    },
    async rowCount() {
      const [row] = (await ds.query('SELECT COUNT(*) AS n FROM events')) as Array<{ n: number | string }>;
      return Number(row?.n ?? 0);
    },
    async stop() {
      for (const r of replicas) await r.stop();
      await edge.close();
      await producer.disconnect();
      await eventsApi.close();
      await admin.disconnect();
      await fake.close();
      await ds.destroy();
      await db.drop();
    },
  };
}

/** A HubSpot event of the sample portal; ids above 2^31 like real ones. */
export function hsEvent(i: number, extra: Partial<HubSpotEvent> = {}): HubSpotEvent {
  return {
    eventId: 3_000_000_000 + i,
    subscriptionId: 686627,
    portalId: PORTAL,
    appId: 7906213,
    occurredAt: 1_769_000_000_000 + i * 1000,
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: 267_448_862_446 + i,
    changeSource: 'CRM_UI',
    changeFlag: 'CREATED',
    ...extra,
  };
}
