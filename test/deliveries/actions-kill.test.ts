import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDeliveryStore, createEndpointStore, EndpointInputSchema } from '@hookstream/deliveries';
import { inTransaction, openLedgerInsert, prepareLedgerRow } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { startFakeBrevo, startFakeMeta, testDatabase, type FakeBrevo, type FakeMeta } from '@hookstream/testkit';
import { partitionForKey } from '@hookstream/kafka';
import { createLogger } from '@hookstream/observability';
import { createKafkaProbe, type KafkaProbe } from '../fault/kafka-probe.js';
import { killWhileHeld, settledOwnerOf } from '../support/mid-send-kill.js';
import { testKafka } from '../support/kafka.js';
import { startService, type ServiceProcess } from '../support/process.js';
import { waitUntil } from '../support/wait.js';

const DEALS = 150;
const PARTITIONS = 6;
const BREVO_ENDPOINT = 'ep_crm_k_committed_brevo';
/** Longer than a poll and a kill take, shorter than DELIVERY_TIMEOUT_MS: a held e-mail ends only by the kill. */
const HOLD_MS = 8000;

/**
 * The CRM's action senders killed with SIGKILL under load: every Meta event and every e-mail
 * arrives at least once, and what arrives twice carries the same event_id or idempotency key, so
 * Meta and Brevo drop the copy (the Brevo fake does, as Brevo documents; Meta dedups by event_id).
 */
describe('action senders killed under load', () => {
  let store: MigratedStore;
  let meta: FakeMeta;
  let brevo: FakeBrevo;
  const procs: ServiceProcess[] = [];
  let env: Record<string, string>;
  let probe: KafkaProbe;

  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase('hs_actions_kill'), 4);
    meta = await startFakeMeta({ accessToken: 'meta-kill-token' });
    brevo = await startFakeBrevo();
    const tag = randomBytes(4).toString('hex');
    env = {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      DATABASE_URL: store.url,
      DELIVERIES_TOPIC: `deliveries-actions-${tag}`,
      DISPATCHER_GROUP_ID: `dispatcher-actions-${tag}`,
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      DELIVERY_ALLOW_HTTP: 'true',
      ENDPOINTS_REFRESH_MS: '200',
      FANOUT_IDLE_MS: '20',
      META_GRAPH_URL: meta.url,
      META_ACCESS_TOKEN: meta.accessToken,
      META_PIXEL_ID: '777',
      BREVO_API_URL: brevo.url,
      BREVO_API_KEY: brevo.apiKey,
      BREVO_SENDER_EMAIL: 'deals@example.com',
      PORT: '0',
      LOG_LEVEL: 'warn',
    };
    const rule = (id: string, kind: string, status: string, destination: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      id,
      kind,
      destination,
      retrySchedule: [0, 300, 600, 1200, 2400],
      input: EndpointInputSchema.parse({
        url: `${kind}:${status}`,
        filter: { providers: ['crm'], match: { 'data.data.dealDetails.status': status } },
        ...extra,
      }),
    });
    await createEndpointStore(store.ds).syncConfigured(
      [
        rule('ep_crm_k_qualified_meta_capi', 'meta_capi', 'Qualified', { eventName: 'Lead' }),
        rule('ep_crm_k_committed_meta_capi', 'meta_capi', 'Committed', { eventName: 'Purchase', withValue: true }),
        // Few e-mails at a time, so sending them outlasts both kills (each waits for a settled owner).
        rule(BREVO_ENDPOINT, 'brevo', 'Committed', {}, { maxInFlight: 5 }),
      ],
      Date.now(),
      'rules',
    );
    const kafka = testKafka({
      brokers: inject('kafkaBrokers').split(','),
      clientId: 'actions-kill-probe',
      log: createLogger({ name: 'actions-kill-probe', level: 'silent' }),
    });
    probe = await createKafkaProbe(kafka, [env.DELIVERIES_TOPIC as string], env.DISPATCHER_GROUP_ID as string);
  });
  afterAll(async () => {
    for (const p of procs) p.proc.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await probe?.close();
    await meta?.close();
    await brevo?.close();
    await store?.close();
  });

  const clientIds = new Map<string, ServiceProcess>();
  const killed = new Set<ServiceProcess>();
  const start = (): ServiceProcess => {
    // Each its own client id, so the group's members can be told apart (killBrevoSenderMidSend).
    const clientId = `actions-dispatcher-${procs.length + 1}`;
    const p = startService('dispatcher', { ...env, KAFKA_CLIENT_ID: clientId });
    procs.push(p);
    clientIds.set(clientId, p);
    return p;
  };

  /**
   * Kills the dispatcher that owns the Brevo endpoint while Brevo holds one of its e-mails open,
   * and returns the idempotency keys of the held e-mails: the kill interrupted exactly those.
   */
  async function killBrevoSenderMidSend(): Promise<string[]> {
    const partition = partitionForKey(BREVO_ENDPOINT, PARTITIONS);
    const victim = await settledOwnerOf(probe, env.DELIVERIES_TOPIC as string, partition, clientIds, killed);
    killed.add(victim);
    // Back to the test's usual 300 ms once the kill is done.
    const held = await killWhileHeld(victim, { set: (ms) => brevo.slow(ms || 300), arrivals: () => brevo.arrivals }, HOLD_MS);
    return held.flatMap((a) => (a.idempotencyKey === undefined ? [] : [a.idempotencyKey]));
  }

  async function storeDeals(from: number, n: number, status: string): Promise<void> {
    const now = Date.now();
    const rows = Array.from({ length: n }, (_, i) => {
      const dealId = `D-KILL-${from + i}`;
      return prepareLedgerRow(
        {
          provider: 'crm',
          source: 'crm',
          tenant: null,
          type: 'deal_updated',
          subject: dealId,
          eventId: `${dealId}:${status}`,
          idempotencyKey: `${dealId}:${status}`,
          occurredAt: now,
          receivedAt: now,
          requestId: null,
          raw: {
            status: 'success',
            message: 'ok',
            data: {
              dealId,
              customer: {
                contactId: `C-${from + i}`,
                firstName: 'Ada',
                lastName: 'Lovelace',
                email: `ada+${from + i}@example.com`,
                phoneNumber: '+14155550100',
              },
              dealDetails: { dealName: `Deal ${from + i}`, dealValue: 1000 + i, currency: 'EUR', status, closingDate: '2026-12-31' },
              propertyInformation: {
                propertyId: `P-${i}`,
                address: '1 Main St',
                city: 'Springfield',
                state: 'IL',
                zipCode: '62701',
                propertyType: 'Office',
                squareFootage: 900,
              },
            },
          },
        },
        now,
      );
    });
    await inTransaction(store.ds, 'store', { lockWaitTimeoutSec: 10, ledgerIds: rows.length }, async (qr) =>
      (await openLedgerInsert(qr, { chunkSize: 500, chunkBytes: 1e6 })).insert(rows),
    );
  }

  it('delivers every action at least once; copies carry the same event_id or idempotency key', async () => {
    // Slow answers keep actions in flight; around each kill Brevo holds them open (killBrevoSenderMidSend).
    meta.setMode({ kind: 'slow', ms: 150 });
    brevo.slow(300);
    start();
    start();
    const load = (async () => {
      for (let i = 0; i < DEALS; i += 10) {
        await storeDeals(i, 10, 'Qualified');
        await storeDeals(i, 10, 'Committed');
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    await waitUntil('actions under way', async () => brevo.emails.length >= 20, 120_000, 50).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${procs.map((p) => p.output().slice(-3000)).join('\n---\n')}`);
    });
    const interrupted = await killBrevoSenderMidSend();
    start();
    await waitUntil('more actions after the kill', async () => brevo.emails.length >= 80, 120_000, 50);
    interrupted.push(...(await killBrevoSenderMidSend()));
    start();
    await load;

    const deliveries = createDeliveryStore(store.ds);
    await waitUntil(
      'every action succeeded',
      async () => {
        const counts = await Promise.all(
          ['ep_crm_k_qualified_meta_capi', 'ep_crm_k_committed_meta_capi', 'ep_crm_k_committed_brevo'].map((e) => deliveries.counts(e)),
        );
        return counts.every((c) => c.succeeded === DEALS);
      },
      180_000,
      500,
    );
    const expected = Array.from({ length: DEALS }, (_, i) => [`D-KILL-${i}:Qualified`, `D-KILL-${i}:Committed`]).flat();
    expect([...meta.events.keys()].sort()).toEqual([...expected].sort());
    // Brevo sends once per idempotency key: one e-mail per committed deal, whatever was resent.
    expect(brevo.emails).toHaveLength(DEALS);
    expect(new Set(brevo.emails.map((m) => m.to[0]?.email)).size).toBe(DEALS);
    expect(new Set(brevo.emails.map((m) => m.idempotencyKey)).size).toBe(DEALS);
    // A batch never carries one delivery twice: copies come only from resends after a kill.
    for (const c of meta.calls) expect(new Set(c.events.map((e) => (e as { event_id: string }).event_id)).size).toBe(c.events.length);
    const resentMeta = [...meta.events.values()].reduce((n, e) => n + e.count - 1, 0);
    const resentBrevo = brevo.requests.filter((r) => r.duplicate).length;
    process.stderr.write(
      `[actions-kill] ${DEALS * 3} actions; resent after the kills: Meta ${resentMeta} events, Brevo ${resentBrevo} e-mails (deduplicated)\n`,
    );
    // The kills interrupted e-mails in flight: each was sent again, and Brevo dropped the copy. A held
    // e-mail is handled when its hold ends, which may come after every delivery was recorded.
    expect(interrupted.length).toBeGreaterThanOrEqual(2);
    const copied = (key: string): boolean => brevo.requests.some((r) => r.duplicate === true && r.idempotencyKey === key);
    await waitUntil('a deduplicated copy of every interrupted e-mail', async () => interrupted.every(copied), HOLD_MS + 10_000, 100);
  }, 300_000);
});
