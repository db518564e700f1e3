import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createDeliveryStore,
  createEndpointStore,
  EndpointInputSchema,
  generateSecret,
  newEndpointId,
  parseWebhookId,
  type Endpoint,
} from '@hookstream/deliveries';
import { partitionForKey } from '@hookstream/kafka';
import { createLogger } from '@hookstream/observability';
import { inTransaction, openLedgerInsert, prepareLedgerRow, type DataSource } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { testDatabase } from '@hookstream/testkit';
import { createKafkaProbe, type KafkaProbe } from '../fault/kafka-probe.js';
import { testKafka } from '../support/kafka.js';
import { killWhileHeld, settledOwnerOf } from '../support/mid-send-kill.js';
import { startService, type ServiceProcess } from '../support/process.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { waitUntil } from '../support/wait.js';

const EVENTS = 600;
const BATCH = 20;
/** Far longer than a poll and a kill take, and shorter than DELIVERY_TIMEOUT_MS (15 s): a held send ends only by the kill. */
const HOLD_MS = 8000;

/**
 * At-least-once across crashes: dispatcher processes are killed with SIGKILL while deliveries
 * are in flight (sent, not yet recorded). Every event must still reach every endpoint, and a
 * resend must carry the webhook-id of the first send, so receivers can drop it.
 */
describe('dispatchers killed under load', () => {
  let store: MigratedStore;
  let rx: Receiver;
  const procs: ServiceProcess[] = [];
  let env: Record<string, string>;
  let probe: KafkaProbe;

  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase('hs_dlv_kill'), 4);
    rx = await startReceiver();
    const tag = randomBytes(4).toString('hex');
    env = {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      DATABASE_URL: store.url,
      DELIVERIES_TOPIC: `deliveries-kill-${tag}`,
      DISPATCHER_GROUP_ID: `dispatcher-kill-${tag}`,
      KAFKA_TOPIC_PARTITIONS: '6',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      DELIVERY_ALLOW_HTTP: 'true',
      DELIVERY_RETRY_SCHEDULE: '0,200ms,500ms,1s,2s,2s,2s,2s',
      ENDPOINTS_REFRESH_MS: '200',
      FANOUT_IDLE_MS: '20',
      PORT: '0',
      LOG_LEVEL: 'debug',
    };
    const kafka = testKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'kill-probe', log: createLogger({ name: 'kill-probe', level: 'silent' }) });
    probe = await createKafkaProbe(kafka, [env.DELIVERIES_TOPIC as string], env.DISPATCHER_GROUP_ID as string);
  });
  afterAll(async () => {
    for (const p of procs) p.proc.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await probe?.close();
    await rx?.close();
    await store?.close();
  });

  const clientIds = new Map<string, ServiceProcess>();
  const start = (): ServiceProcess => {
    // Each its own client id, so the group's members can be told apart (killOwnerMidSend).
    const clientId = `kill-dispatcher-${procs.length + 1}`;
    const p = startService('dispatcher', { ...env, KAFKA_CLIENT_ID: clientId });
    procs.push(p);
    clientIds.set(clientId, p);
    return p;
  };
  const killed = new Set<ServiceProcess>();
  /** While set, the slow endpoint holds each new request this long: a kill then surely finds it unanswered. */
  let holdMs = 0;

  /**
   * Kills the running dispatcher the broker assigned `partition` to while one of its sends to
   * the slow endpoint is held open, and returns the event ids of the held sends: the kill
   * interrupted exactly those. Only the owner's kill interrupts that endpoint's sends (with two
   * members, killing another would interrupt nothing).
   */
  async function killOwnerMidSend(partition: number): Promise<string[]> {
    const victim = await settledOwnerOf(probe, env.DELIVERIES_TOPIC as string, partition, clientIds, killed);
    killed.add(victim);
    const held = await killWhileHeld(victim, { set: (ms) => void (holdMs = ms), arrivals: () => rx.on('/slow') }, HOLD_MS);
    return held.map((r) => (JSON.parse(r.body) as { id: string }).id);
  }

  async function storeEvents(ds: DataSource, from: number, n: number): Promise<void> {
    const now = Date.now();
    const rows = Array.from({ length: n }, (_, i) =>
      prepareLedgerRow(
        {
          provider: 'sources',
          source: 'orders',
          tenant: null,
          type: 'order.created',
          subject: null,
          eventId: `kill-${from + i}`,
          idempotencyKey: `kill-${from + i}`,
          occurredAt: now,
          receivedAt: now,
          requestId: null,
          raw: { n: from + i },
        },
        now,
      ),
    );
    await inTransaction(ds, 'store', { lockWaitTimeoutSec: 10, ledgerIds: rows.length }, async (qr) =>
      (await openLedgerInsert(qr, { chunkSize: 500, chunkBytes: 1e6 })).insert(rows),
    );
  }

  it('delivers every event to every endpoint, resends keeping the webhook-id', async () => {
    const endpoints = createEndpointStore(store.ds);
    const secrets: string[] = [];
    const make = async (path: string, extra: Record<string, unknown> = {}): Promise<Endpoint> => {
      const secret = generateSecret();
      secrets.push(secret);
      return endpoints.create(EndpointInputSchema.parse({ url: rx.url(path), ...extra }), { id: newEndpointId(), secret, origin: 'api', now: Date.now() });
    };
    // The slow endpoint keeps deliveries in flight, and holds them open around a kill (killOwnerMidSend).
    rx.behave('/slow', () => ({ status: 200, delayMs: holdMs || 300 }));
    rx.behave('/fast', () => ({ status: 200 }));
    rx.behave('/ordered', () => ({ status: 200, delayMs: 20 }));
    const slow = await make('/slow', { maxInFlight: 20 });
    const fast = await make('/fast');
    const ordered = await make('/ordered', { ordered: true });
    const byPath = new Map([
      ['/slow', slow.id],
      ['/fast', fast.id],
      ['/ordered', ordered.id],
    ]);

    start();
    start();
    let stored = 0;
    const load = (async () => {
      while (stored < EVENTS) {
        await storeEvents(store.ds, stored, BATCH);
        stored += BATCH;
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    // The deliveries topic is keyed by endpoint id.
    const slowPartition = partitionForKey(slow.id, Number(env.KAFKA_TOPIC_PARTITIONS));
    await waitUntil('deliveries under way', async () => rx.on('/slow').length >= 40, 120_000, 50);
    const interrupted = await killOwnerMidSend(slowPartition);
    start();
    await waitUntil('more deliveries after the first kill', async () => rx.on('/slow').length >= 200, 120_000, 50);
    interrupted.push(...(await killOwnerMidSend(slowPartition)));
    start();
    await load;

    const deliveries = createDeliveryStore(store.ds);
    await waitUntil(
      'every delivery succeeded',
      async () => {
        const counts = await Promise.all([slow, fast, ordered].map((e) => deliveries.counts(e.id)));
        return counts.every((c) => c.succeeded === EVENTS);
      },
      180_000,
      500,
    );

    // Every received request names its own (event, endpoint) in webhook-id: a resend is recognisable.
    for (const r of rx.requests) {
      const body = JSON.parse(r.body) as { id: string };
      expect(parseWebhookId(String(r.headers['webhook-id']))).toEqual({ eventId: Number(body.id), endpointId: byPath.get(r.path) });
    }
    const ids = (path: string): string[] => rx.on(path).map((r) => (JSON.parse(r.body) as { id: string }).id);
    for (const path of byPath.keys()) expect(new Set(ids(path)).size, path).toBe(EVENTS);
    // The kills interrupted deliveries in flight: those were sent again, and that is all that happened to them.
    const sends = new Map<string, number>();
    for (const id of ids('/slow')) sends.set(id, (sends.get(id) ?? 0) + 1);
    expect(interrupted.length).toBeGreaterThanOrEqual(2);
    for (const id of interrupted) expect(sends.get(id), `event ${id}, interrupted by a kill`).toBeGreaterThanOrEqual(2);
    // Nothing a dispatcher logged, crashes included, holds a signing secret or its key.
    const logs = procs.map((p) => p.output()).join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(secret.slice('whsec_'.length));
    }
    const firstSeen = [...new Set(ids('/ordered'))];
    expect(firstSeen.map(Number)).toEqual([...firstSeen.map(Number)].sort((a, b) => a - b));
  }, 300_000);
});
