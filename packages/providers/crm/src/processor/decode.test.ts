import { describe, expect, it } from 'vitest';
import { encodeEnvelope, type ConsumedMessage, type LedgerEnvelope } from '@hookstream/kafka';
import { demoDeal } from '../testing/index.js';
import { decodeDealMessage } from './decode.js';

const envelope = (over: Partial<LedgerEnvelope> = {}): LedgerEnvelope => ({
  v: 2,
  provider: 'crm',
  source: 'crm',
  receivedAt: 1000,
  requestId: 'req-1',
  auth: 'api_key',
  type: 'deal_updated',
  eventId: 'D-927483-XYZ:Qualified',
  idempotencyKey: 'D-927483-XYZ:Qualified',
  occurredAt: 1000,
  tenant: null,
  subject: 'D-927483-XYZ',
  event: { ...demoDeal(), data: { ...(demoDeal().data as object), extraField: 1 } },
  ...over,
});
const message = (value: Buffer): ConsumedMessage => ({ offset: '7', key: 'crm:D-927483-XYZ', value, headers: {}, timestamp: '0' });
const decode = (over: Partial<LedgerEnvelope> = {}) => decodeDealMessage(message(encodeEnvelope(envelope(over))));

describe('decodeDealMessage', () => {
  it('reads the ledger event and the deal fields as the CRM sent them', () => {
    const r = decode({ event: demoDeal({ customer: { loyalty: 'gold' } }) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      offset: '7',
      dedupeKey: 'crm\u0000D-927483-XYZ:Qualified',
      deal: { source: 'crm', dealId: 'D-927483-XYZ' },
      status: 'Qualified',
      ledger: { provider: 'crm', source: 'crm', type: 'deal_updated', subject: 'D-927483-XYZ', tenant: null, raw: demoDeal({ customer: { loyalty: 'gold' } }) },
    });
    expect(r.value.fields.customer).toMatchObject({ contactId: 'CUST-45678', loyalty: 'gold' });
    expect(r.value.fields.property).toMatchObject({ propertyId: 'PROP-101122' });
    expect(r.value.fields.deal).toMatchObject({ status: 'Qualified', dealValue: 12500000 });
  });

  it.each([
    ['another provider', { provider: 'sources' }, /provider "sources" on the crm topic/],
    ['a body that is no deal', { event: { data: { dealId: 'D-1' } } }, /is not a deal webhook: \/status: is required/],
    ['a key of another status', { idempotencyKey: 'D-927483-XYZ:Committed' }, /envelope and body name different deals or statuses/],
    ['a subject of another deal', { subject: 'D-1' }, /envelope and body name different deals or statuses/],
  ])('refuses %s as a permanent failure (dead-lettered)', (_what, over, message) => {
    const r = decode(over as Partial<LedgerEnvelope>);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(message);
  });

  it('never quotes the customer in a refusal', () => {
    const r = decode({ event: demoDeal({ customer: { email: 12345, firstName: 'Jane' } }) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('crm event D-927483-XYZ:Qualified is not a deal webhook: /data/customer/email: expected a string, got a number');
  });
});
