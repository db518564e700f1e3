import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import {
  createDeliveryStore,
  createEndpointStore,
  generateSecret,
  newEndpointId,
  EndpointInputSchema,
  type DeliveryStore,
  type Destination,
  type Endpoint,
  type EndpointStore,
} from '@hookstream/deliveries';
import { createDispatcher, DispatcherSchema, type Dispatcher } from '@hookstream/dispatcher';
import { parseEnv } from '@hookstream/config';
import { type Kafka } from '@hookstream/kafka';
import { createLogger, type Logger } from '@hookstream/observability';
import { inTransaction, openLedgerInsert, prepareLedgerRow, type DataSource } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { testDatabase } from '@hookstream/testkit';
import { testKafka } from './kafka.js';

/** An event to put in the ledger, as a processor would have stored it. */
export interface TestEvent {
  provider?: string;
  source?: string;
  type?: string;
  raw?: unknown;
}

export interface DeliveryFleet {
  ds: DataSource;
  env: NodeJS.ProcessEnv;
  log: Logger;
  kafka: Kafka;
  endpoints: EndpointStore;
  deliveries: DeliveryStore;
  dispatchers: Dispatcher[];
  /** Starts one more dispatcher replica in this process. */
  addDispatcher(): Promise<Dispatcher>;
  stopDispatcher(d: Dispatcher): Promise<void>;
  /** Creates an endpoint as the admin API does; answers it with its one secret. */
  endpoint(input: Record<string, unknown>): Promise<{ endpoint: Endpoint; secret: string }>;
  /** Stores events in the ledger; answers their ids in order. */
  store(events: readonly TestEvent[]): Promise<number[]>;
  stop(): Promise<void>;
}

let seq = 0;

/**
 * Dispatchers on the integration setup's real broker and database, with their own topic,
 * group and database per fleet so test files never share work. Events go into the ledger the
 * way the processors write them (openLedgerInsert), so the dispatcher sees exactly what it
 * would see in production.
 */
export async function startDeliveryFleet(
  opts: { replicas?: number; env?: NodeJS.ProcessEnv; destinations?: readonly Destination[] } = {},
): Promise<DeliveryFleet> {
  const store: MigratedStore = await openMigratedStore(await testDatabase('hs_dlv'), 8);
  const tag = randomBytes(4).toString('hex');
  const env: NodeJS.ProcessEnv = {
    KAFKA_BROKERS: inject('kafkaBrokers'),
    DATABASE_URL: store.url,
    DELIVERIES_TOPIC: `deliveries-${tag}`,
    DISPATCHER_GROUP_ID: `dispatcher-${tag}`,
    KAFKA_TOPIC_PARTITIONS: '6',
    DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
    DELIVERY_ALLOW_HTTP: 'true',
    DELIVERY_RETRY_SCHEDULE: '0,200ms,400ms,800ms',
    ENDPOINTS_REFRESH_MS: '200',
    FANOUT_IDLE_MS: '50',
    KAFKA_SESSION_TIMEOUT_MS: '10000',
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...opts.env,
  };
  const log = createLogger({ name: 'delivery-test', level: env.LOG_LEVEL ?? 'warn' });
  const config = parseEnv(DispatcherSchema, env);
  const kafka = testKafka({ brokers: config.KAFKA_BROKERS, clientId: `test-${tag}`, log });
  const endpoints = createEndpointStore(store.ds);
  const dispatchers: Dispatcher[] = [];
  const addDispatcher = async (): Promise<Dispatcher> => {
    const d = createDispatcher({ config, kafka, dataSource: store.ds, log: log.child({ replica: dispatchers.length }), destinations: opts.destinations ?? [] });
    await d.start();
    dispatchers.push(d);
    return d;
  };
  for (let i = 0; i < (opts.replicas ?? 1); i++) await addDispatcher();
  return {
    ds: store.ds,
    env,
    log,
    kafka,
    endpoints,
    deliveries: createDeliveryStore(store.ds),
    dispatchers,
    addDispatcher,
    async stopDispatcher(d) {
      const i = dispatchers.indexOf(d);
      if (i >= 0) dispatchers.splice(i, 1);
      await d.stop();
    },
    async endpoint(input) {
      const secret = generateSecret();
      const endpoint = await endpoints.create(EndpointInputSchema.parse(input), { id: newEndpointId(), secret, origin: 'api', now: Date.now() });
      return { endpoint, secret };
    },
    async store(events) {
      const now = Date.now();
      const rows = events.map((e) => {
        seq++;
        return prepareLedgerRow(
          {
            provider: e.provider ?? 'sources',
            source: e.source ?? 'orders',
            tenant: null,
            type: e.type ?? 'order.created',
            subject: null,
            eventId: `e-${tag}-${seq}`,
            idempotencyKey: `k-${tag}-${seq}`,
            occurredAt: now,
            receivedAt: now,
            requestId: null,
            raw: e.raw ?? { n: seq },
          },
          now,
        );
      });
      const ids = await inTransaction(store.ds, 'store test events', { lockWaitTimeoutSec: 10, ledgerIds: rows.length }, async (qr) =>
        (await openLedgerInsert(qr, { chunkSize: 500, chunkBytes: 1_000_000 })).insert(rows),
      );
      return ids.map((id) => {
        if (id === null) throw new Error('a test event was a duplicate');
        return id;
      });
    },
    async stop() {
      await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
      await store.close();
    },
  };
}
