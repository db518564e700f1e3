import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDeliveryStore, createEndpointStore, EndpointInputSchema } from '@hookstream/deliveries';
import { inTransaction, openLedgerInsert, prepareLedgerRow } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { startFakeBrevo, startFakeMeta, testDatabase, type FakeBrevo, type FakeMeta } from '@hookstream/testkit';
import { startService, type ServiceProcess } from '../support/process.js';
import { waitUntil } from '../support/wait.js';

const DEALS = 150;

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
      KAFKA_TOPIC_PARTITIONS: '6',
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
    const rule = (id: string, kind: string, status: string, destination: Record<string, unknown>) => ({
      id,
      kind,
      destination,
      retrySchedule: [0, 300, 600, 1200, 2400],
      input: EndpointInputSchema.parse({ url: `${kind}:${status}`, filter: { providers: ['crm'], match: { 'data.data.dealDetails.status': status } } }),
    });
    await createEndpointStore(store.ds).syncConfigured(
      [
        rule('ep_crm_k_qualified_meta_capi', 'meta_capi', 'Qualified', { eventName: 'Lead' }),
        rule('ep_crm_k_committed_meta_capi', 'meta_capi', 'Committed', { eventName: 'Purchase', withValue: true }),
        rule('ep_crm_k_committed_brevo', 'brevo', 'Committed', {}),
      ],
      Date.now(),
      'rules',
    );
  });
  afterAll(async () => {
    for (const p of procs) p.proc.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await meta?.close();
    await brevo?.close();
    await store?.close();
  });

  const start = (): ServiceProcess => {
    const p = startService('dispatcher', env);
    procs.push(p);
    return p;
  };

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
    // Slow answers keep actions in flight, so the kills land between sending and recording.
    meta.setMode({ kind: 'slow', ms: 150 });
    brevo.slow(150);
    const first = start();
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
    first.proc.kill('SIGKILL');
    start();
    await waitUntil('more actions after the kill', async () => brevo.emails.length >= 80, 120_000, 50);
    (procs[1] as ServiceProcess).proc.kill('SIGKILL');
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
    // The kills interrupted actions in flight: something was sent twice, and deduplicated.
    expect(resentMeta + resentBrevo).toBeGreaterThan(0);
  }, 300_000);
});
