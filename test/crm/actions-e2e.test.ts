import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BrevoSettingsSchema, createBrevoDestination } from '@hookstream/brevo';
import { parseEnv } from '@hookstream/config';
import { crmProvider } from '@hookstream/crm';
import { demoDeal } from '@hookstream/crm/testing';
import { createDeliveryStore } from '@hookstream/deliveries';
import { createDispatcher, DispatcherSchema, syncProviderEndpoints, type Dispatcher } from '@hookstream/dispatcher';

import { MetaSettingsSchema, createMetaCapiDestination } from '@hookstream/meta-capi';
import { createRegistry } from '@hookstream/observability';
import { startFakeBrevo, startFakeMeta, type FakeBrevo, type FakeMeta } from '@hookstream/testkit';
import { CRM_KEYS, crmHeaders } from '../support/crm-fixture.js';
import { startCrmFleet, type CrmFleet } from '../support/crm-fleet.js';
import { waitUntil } from '../support/wait.js';
import { testKafka } from '../support/kafka.js';

/**
 * The reference CRM system end to end, nothing simulated but Meta and Brevo (HTTP fakes of their
 * documented APIs): deal webhook → edge → Kafka → processor (ledger, deal state) → the rules'
 * endpoints → dispatcher → Meta "Lead" at Qualified, "Purchase" and an e-mail at Committed.
 */
describe('CRM deals trigger Meta and Brevo actions', () => {
  let f: CrmFleet;
  let meta: FakeMeta;
  let brevo: FakeBrevo;
  let dispatcher: Dispatcher;
  beforeAll(async () => {
    meta = await startFakeMeta({ accessToken: 'meta-e2e-token', pixelId: '9001' });
    brevo = await startFakeBrevo();
    f = await startCrmFleet({ processors: 1 });
    const tag = randomBytes(4).toString('hex');
    const env = {
      ...f.env,
      KAFKA_BROKERS: inject('kafkaBrokers'),
      DELIVERIES_TOPIC: `deliveries-crm-${tag}`,
      DISPATCHER_GROUP_ID: `dispatcher-crm-${tag}`,
      FANOUT_IDLE_MS: '50',
      // The fakes listen on 127.0.0.1 over plain http; real Meta and Brevo are https and public.
      DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      DELIVERY_ALLOW_HTTP: 'true',
      CRM_ACTION_RETRY_SCHEDULE: '0,300ms,600ms,1s,2s',
      META_GRAPH_URL: meta.url,
      META_ACCESS_TOKEN: meta.accessToken,
      META_PIXEL_ID: '9001',
      BREVO_API_URL: brevo.url,
      BREVO_API_KEY: brevo.apiKey,
      BREVO_SENDER_EMAIL: 'deals@example.com',
    };
    const config = parseEnv(DispatcherSchema, env);
    const log = f.log;
    await syncProviderEndpoints(f.ds, [crmProvider], { env, log, registry: createRegistry('rules', false) });
    dispatcher = createDispatcher({
      config,
      kafka: testKafka({ brokers: config.KAFKA_BROKERS, clientId: `crm-actions-${tag}`, log }),
      dataSource: f.ds,
      log,
      destinations: [createMetaCapiDestination(parseEnv(MetaSettingsSchema, env)), createBrevoDestination(parseEnv(BrevoSettingsSchema, env))],
    });
    await dispatcher.start();
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await f?.stop();
    await meta?.close();
    await brevo?.close();
  });

  const post = (dealId: string, status: string, event = 'deal_updated') => f.post('crm', demoDeal({ dealId, status }), crmHeaders(CRM_KEYS[0], event));

  it("runs the reference system's demo deal: one Lead, then one Purchase and one e-mail, whatever is redelivered", async () => {
    expect((await post('D-927483-XYZ', 'Qualified', 'deal_created')).status).toBe(200);
    await waitUntil('the Lead', async () => meta.received('D-927483-XYZ:Qualified') > 0);
    expect((await post('D-927483-XYZ', 'Committed')).status).toBe(200);
    // The CRM redelivers both: nothing new happens.
    expect((await post('D-927483-XYZ', 'Qualified', 'deal_created')).status).toBe(200);
    expect((await post('D-927483-XYZ', 'Committed')).status).toBe(200);
    await waitUntil('the Purchase and the e-mail', async () => meta.received('D-927483-XYZ:Committed') > 0 && brevo.emails.length > 0);
    await f.drained();
    await new Promise((r) => setTimeout(r, 1500));
    expect(meta.received('D-927483-XYZ:Qualified')).toBe(1);
    expect(meta.received('D-927483-XYZ:Committed')).toBe(1);
    expect(meta.events.get('D-927483-XYZ:Committed')?.event).toMatchObject({ event_name: 'Purchase', custom_data: { value: 12500000, currency: 'USD' } });
    expect(brevo.emails.filter((m) => m.to[0]?.email === 'john.doe@example.com')).toHaveLength(1);
    const deal = await f.api('/deals/crm/D-927483-XYZ');
    expect(deal.status).toBe(200);
    expect(deal.json).toMatchObject({ dealId: 'D-927483-XYZ', status: 'Committed' });
  });

  it('fires both actions once when Committed arrives before Qualified, and the deal stays Committed', async () => {
    expect((await post('D-LATE-1', 'Committed')).status).toBe(200);
    expect((await post('D-LATE-1', 'Qualified', 'deal_created')).status).toBe(200);
    await waitUntil('both Meta events', async () => meta.received('D-LATE-1:Committed') > 0 && meta.received('D-LATE-1:Qualified') > 0);
    const deal = await f.api('/deals/crm/D-LATE-1');
    expect(deal.json).toMatchObject({ status: 'Committed' });
    const [row] = await f.query("SELECT id FROM events WHERE provider = 'crm' AND event_id = 'D-LATE-1:Committed'");
    const deliveries = await createDeliveryStore(f.ds).listByEvent(Number(row?.id), {});
    expect(deliveries.map((d) => d.endpointId).sort()).toEqual(['ep_crm_crm_committed_brevo', 'ep_crm_crm_committed_meta_capi']);
  });
});
