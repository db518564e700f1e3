import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrevoSettingsSchema, createBrevoDestination, idempotencyKeyOf } from '@hookstream/brevo';
import { parseEnv } from '@hookstream/config';
import { EndpointInputSchema, webhookId } from '@hookstream/deliveries';
import { MetaSettingsSchema, createMetaCapiDestination } from '@hookstream/meta-capi';
import { startFakeBrevo, startFakeMeta, type FakeBrevo, type FakeMeta } from '@hookstream/testkit';
import { startDeliveryFleet, type DeliveryFleet } from '../support/delivery-fleet.js';
import { waitUntil } from '../support/wait.js';

const SCHEDULE = [0, 200, 400, 800, 1600];
const sha = (v: string): string => createHash('sha256').update(v).digest('hex');

/** The reference CRM system's demo deal, as the CRM provider stores it in the ledger (raw = the whole body). */
function demoDeal(dealId: string, status: string, email = 'john.doe@example.com'): Record<string, unknown> {
  return {
    status: 'success',
    message: 'Customer deal information retrieved successfully',
    data: {
      dealId,
      customer: { contactId: 'CUST-45678', firstName: 'John', lastName: 'Doe', email, phoneNumber: '+1234567890' },
      dealDetails: { dealName: 'The Grand Cypress Acquisition', dealValue: 12500000.0, currency: 'USD', status, closingDate: '2026-03-15' },
      propertyInformation: {
        propertyId: 'PROP-101122',
        address: '4509 Ocean View Dr, Suite 200',
        city: 'Coastal City',
        state: 'CA',
        zipCode: '90210',
        propertyType: 'Commercial Office',
        squareFootage: 15000,
      },
    },
  };
}

/**
 * The CRM's actions on the delivery engine, on the real broker and database, against HTTP fakes
 * of Meta's Conversions API and Brevo that speak their documented shapes: the rules' endpoints
 * (as the CRM provider declares them) turn stored deal events into Meta events and e-mails.
 */
describe('CRM actions through the dispatcher', () => {
  let f: DeliveryFleet;
  let meta: FakeMeta;
  let brevo: FakeBrevo;
  beforeAll(async () => {
    meta = await startFakeMeta({ accessToken: 'meta-test-token', pixelId: '4242' });
    brevo = await startFakeBrevo();
    const env = {
      META_GRAPH_URL: meta.url,
      META_ACCESS_TOKEN: meta.accessToken,
      META_PIXEL_ID: '4242',
      BREVO_API_URL: brevo.url,
      BREVO_API_KEY: brevo.apiKey,
      BREVO_SENDER_EMAIL: 'deals@example.com',
    };
    f = await startDeliveryFleet({
      destinations: [createMetaCapiDestination(parseEnv(MetaSettingsSchema, env)), createBrevoDestination(parseEnv(BrevoSettingsSchema, env))],
    });
    const rule = (id: string, kind: string, status: string, destination: Record<string, unknown>) => ({
      id,
      kind,
      destination,
      retrySchedule: SCHEDULE,
      input: EndpointInputSchema.parse({ url: `${kind}:${status}`, filter: { providers: ['crm'], match: { 'data.data.dealDetails.status': status } } }),
    });
    await f.endpoints.syncConfigured(
      [
        rule('ep_crm_crm_qualified_meta_capi', 'meta_capi', 'Qualified', { eventName: 'Lead' }),
        rule('ep_crm_crm_committed_meta_capi', 'meta_capi', 'Committed', { eventName: 'Purchase', withValue: true }),
        rule('ep_crm_crm_committed_brevo', 'brevo', 'Committed', {}),
      ],
      Date.now(),
      'rules',
    );
  });
  afterAll(async () => {
    await f?.stop();
    await meta?.close();
    await brevo?.close();
  });

  const deal = (dealId: string, status: string, email?: string) => ({
    provider: 'crm',
    source: 'crm',
    type: 'deal_updated',
    raw: demoDeal(dealId, status, email),
  });

  it('sends Meta a Lead at Qualified, and a Purchase with the value and an e-mail with the property at Committed', async () => {
    const [qualified, committed] = await f.store([deal('D-927483-XYZ', 'Qualified'), deal('D-927483-XYZ', 'Committed')]);
    await waitUntil(
      'both Meta events and the e-mail',
      async () => meta.received('D-927483-XYZ:Qualified') > 0 && meta.received('D-927483-XYZ:Committed') > 0 && brevo.emails.length === 1,
    );
    const lead = meta.events.get('D-927483-XYZ:Qualified');
    expect(lead?.event).toMatchObject({ event_name: 'Lead', action_source: 'system_generated' });
    expect((lead?.event.user_data as Record<string, unknown>).em).toEqual([sha('john.doe@example.com')]);
    expect((lead?.event.user_data as Record<string, unknown>).external_id).toEqual(['CUST-45678']);
    expect(meta.events.get('D-927483-XYZ:Committed')?.event).toMatchObject({ event_name: 'Purchase', custom_data: { value: 12500000, currency: 'USD' } });
    const mail = brevo.emails[0];
    expect(mail?.to).toEqual([{ email: 'john.doe@example.com', name: 'John Doe' }]);
    expect(mail?.htmlContent).toContain('4509 Ocean View Dr, Suite 200');
    expect(mail?.idempotencyKey).toBe(idempotencyKeyOf(webhookId(committed as number, 'ep_crm_crm_committed_brevo')));
    // The attempts are in the delivery log like any delivery's, with the e-mail's messageId.
    const sent = await waitUntil('the e-mail recorded', async () => {
      const d = await f.deliveries.get('ep_crm_crm_committed_brevo', committed as number);
      return d?.state === 'succeeded' ? d : undefined;
    });
    const [attempt] = await f.deliveries.attempts([sent]);
    expect(attempt?.externalId).toBe(mail?.messageId);
    expect(await f.deliveries.get('ep_crm_crm_qualified_meta_capi', committed as number)).toBeNull();
    // Meta counts the Lead when the request arrives; the delivery is recorded once its answer is back.
    await waitUntil('the Lead recorded', async () => (await f.deliveries.get('ep_crm_crm_qualified_meta_capi', qualified as number))?.state === 'succeeded');
  });

  it('keeps e-mailing while Meta is down, and sends Meta everything once it is back', async () => {
    meta.setMode({ kind: 'down' });
    const ids = await f.store(Array.from({ length: 5 }, (_, i) => deal(`D-DOWN-${i}`, 'Committed')));
    await waitUntil('every e-mail while Meta is down', async () => brevo.emails.filter((m) => m.to[0]?.email === 'john.doe@example.com').length >= 6);
    await waitUntil('Meta refused at least twice', async () => meta.calls.filter((c) => c.status >= 500).length >= 2);
    expect(ids.every((id) => id > 0)).toBe(true);
    meta.setMode({ kind: 'ok' });
    await waitUntil('every Purchase after Meta came back', async () =>
      Array.from({ length: 5 }, (_, i) => meta.received(`D-DOWN-${i}:Committed`) > 0).every(Boolean),
    );
  });

  it('waits for Brevo’s rate-limit reset after a 429 and then sends', async () => {
    brevo.rateLimit({ max: 0, windowMs: 2000 });
    const [id] = await f.store([deal('D-429', 'Committed', 'limited@example.com')]);
    await waitUntil('a 429', async () => brevo.requests.some((r) => r.status === 429));
    brevo.rateLimit({ max: 1000, windowMs: 1000 });
    await waitUntil('the e-mail after the reset', async () => brevo.emails.some((m) => m.to[0]?.email === 'limited@example.com'));
    // The fake has the e-mail before it answers; the attempt is written once the answer is back.
    const d = await waitUntil('the e-mail recorded', async () => {
      const got = await f.deliveries.get('ep_crm_crm_committed_brevo', id as number);
      return got?.state === 'succeeded' ? got : undefined;
    });
    const attempts = await f.deliveries.attempts([d]);
    expect(attempts[0]).toMatchObject({ status: 429, outcome: 'failed' });
    expect(attempts[attempts.length - 1]).toMatchObject({ outcome: 'succeeded' });
  });

  it('counts attempts and their results per destination kind', async () => {
    const text = (await Promise.all(f.dispatchers.map((d) => d.metrics.registry.metrics()))).join('\n');
    const value = (line: RegExp): number => Number(text.match(line)?.[1] ?? NaN);
    expect(value(/hookstream_delivery_results_total\{kind="brevo",result="succeeded"[^}]*\} (\d+)/)).toBeGreaterThanOrEqual(7);
    expect(value(/hookstream_delivery_results_total\{kind="meta_capi",result="retried"[^}]*\} (\d+)/)).toBeGreaterThanOrEqual(1);
    expect(value(/hookstream_delivery_attempts_total\{outcome="failed",kind="brevo"[^}]*\} (\d+)/)).toBeGreaterThanOrEqual(1);
  });

  it('dead-letters on a bad token (190) without retrying, with the reason', async () => {
    meta.setMode({ kind: 'invalidToken' });
    const [id] = await f.store([deal('D-TOKEN', 'Qualified')]);
    const dead = await waitUntil('dead', async () => {
      const d = await f.deliveries.get('ep_crm_crm_qualified_meta_capi', id as number);
      return d?.state === 'dead' ? d : undefined;
    });
    meta.setMode({ kind: 'ok' });
    expect(dead.attempts).toBe(1);
    expect(dead.lastError).toMatch(/190/);
    expect(dead.lastError).not.toContain(meta.accessToken);
  });
});
