import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDeal } from '@hookstream/crm/testing';
import { encodeEnvelope } from '@hookstream/kafka';
import { CRM_KEYS, crmHeaders } from '../support/crm-fixture.js';
import { startCrmFleet, type CrmFleet } from '../support/crm-fleet.js';
import { waitUntil } from '../support/wait.js';

/** Recognisable customer data: any of it in any log line is a leak. */
const CUSTOMER = {
  contactId: 'CUST-PII-1',
  firstName: 'Zephyrine',
  lastName: 'Quartermaine',
  email: 'zephyrine.q.4711@example.org',
  phoneNumber: '+4915112345678',
};
const PII = [CUSTOMER.firstName, CUSTOMER.lastName, CUSTOMER.email, CUSTOMER.phoneNumber, CUSTOMER.phoneNumber.slice(1), 'zephyrine.q.4711'];

/**
 * The edge, the processors and events-api at LOG_LEVEL=trace (the Kafka client's lines included), fed
 * accepted, refused, malformed and poisoned deal webhooks that carry a customer's name,
 * e-mail and phone: no line of their output may contain any of it.
 */
describe('crm: customer PII never reaches a log line', () => {
  let f: CrmFleet;
  beforeAll(async () => {
    f = await startCrmFleet({ processors: 1, logLevel: 'trace' });
  });
  afterAll(async () => f?.stop());

  const withCustomer = (dealId: string, status: string, customer: Record<string, unknown> = CUSTOMER) => demoDeal({ dealId, status, customer });

  it('logs ids and statuses, never the customer, on every path', async () => {
    const key = CRM_KEYS[0];
    // Accepted, redelivered, out of order.
    expect((await f.post('crm', withCustomer('D-pii-1', 'Committed'), crmHeaders(key))).status).toBe(200);
    expect((await f.post('crm', withCustomer('D-pii-1', 'Qualified'), crmHeaders(key, 'deal_created'))).status).toBe(200);
    expect((await f.post('crm', withCustomer('D-pii-1', 'Qualified'), crmHeaders(key, 'deal_created'))).status).toBe(200);
    // Refused: wrong types around the PII, the PII in fields that refuse it, broken JSON, bad credentials.
    const refusals = [
      await f.post('crm', withCustomer('D-pii-2', 'New', { ...CUSTOMER, email: [CUSTOMER.email], phoneNumber: 4915112345678 }), crmHeaders(key)),
      await f.post('crm', demoDeal({ dealId: `${CUSTOMER.firstName}\u0000`, status: CUSTOMER.email }), crmHeaders(key)),
      await f.post('crm', `{"data":{"customer":{"email":"${CUSTOMER.email}","firstName":${CUSTOMER.firstName}}}}`, crmHeaders(key)),
      await f.post('crm', withCustomer('D-pii-3', 'New'), crmHeaders('crm-e2e-key-0003-never-issued')),
      await f.post('crm', withCustomer('D-pii-3', 'New'), { 'content-type': 'application/json', 'x-api-key': key }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([422, 422, 400, 401, 422]);
    // A message on the topic that is no deal webhook: dead-lettered, and its reason logged.
    const poison = { ...withCustomer('D-pii-4', 'New'), status: 7 };
    await f.reproduce([
      {
        key: 'crm:D-pii-4',
        value: encodeEnvelope({
          v: 2,
          provider: 'crm',
          source: 'crm',
          receivedAt: Date.now(),
          requestId: 'req-poison',
          auth: 'api_key',
          type: 'deal_created',
          eventId: 'D-pii-4:New',
          idempotencyKey: 'D-pii-4:New',
          occurredAt: Date.now(),
          tenant: null,
          subject: 'D-pii-4',
          event: poison,
        }),
      },
    ]);
    await f.drained();
    // Reads answer the customer to an authorised reader; they log nothing of it.
    const state = await f.api('/deals/crm/D-pii-1');
    expect(state.json).toMatchObject({ status: 'Committed', customer: CUSTOMER });
    expect((await f.api('/events?provider=crm&dealId=D-pii-1')).status).toBe(200);
    expect((await f.api('/deals/crm/D-pii-1/timeline')).status).toBe(200);

    await waitUntil('the dead-letter line', async () => f.logs.some((l) => l.includes('dead-lettered message')));
    const all = f.logs.join('');
    // The capture saw every path: accepted, refused, dead-lettered, and the reads.
    expect(all).toContain('delivery accepted');
    expect(all).toContain('webhook rejected');
    expect(all).toContain('D-pii-1');
    // Below-info lines were captured too (requests completed, the Kafka client's own), where a leak would hide.
    expect(f.logs.filter((l) => /"level":(10|20),/.test(l)).length).toBeGreaterThan(0);
    for (const value of PII) expect(all, value).not.toContain(value);
  });
});
