import { describe, expect, it } from 'vitest';
import { prepareEvent, MAX_EVENT_AGE_SEC } from './event.js';
import { sha256Hex } from './hash.js';
import { dealItem, demoDeal } from './testing/deal.js';

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const lead = { eventName: 'Lead' };

describe('prepareEvent', () => {
  it('turns the demo deal into a system_generated server event', () => {
    const p = prepareEvent(dealItem(demoDeal(), NOW - 60_500), lead, NOW);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.event).toEqual({
      event_name: 'Lead',
      event_time: Math.floor((NOW - 60_500) / 1000),
      action_source: 'system_generated',
      event_id: 'D-927483-XYZ:Qualified',
      user_data: {
        // The demo e-mail is a 32-hex placeholder, not an address: omitted, not refused.
        ph: [sha256Hex('8765432109876543')],
        fn: [sha256Hex('d1c8a6f05f42e8b2c45e06d910a3f8c5')],
        ln: [sha256Hex('7e3b1d92c4a0f6e5b3c4a1d8f7e2c0b9')],
        ct: [sha256Hex('coastalcity')],
        st: [sha256Hex('ca')],
        zp: [sha256Hex('90210')],
        external_id: ['CUST-45678'],
      },
    });
  });

  it('takes the customer address and country over the property when the CRM sends them', () => {
    const raw = demoDeal({ customer: { email: 'John_Smith@gmail.com', phoneNumber: 'bad', city: 'Menlo Park', country: 'US', zipCode: '94025-1234' } });
    const p = prepareEvent(dealItem(raw, NOW), lead, NOW);
    if (!p.ok) throw new Error(p.reason);
    expect(p.event.user_data.em).toEqual(['62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f']);
    expect(p.event.user_data.ph).toBeUndefined();
    expect(p.event.user_data.ct).toEqual([sha256Hex('menlopark')]);
    expect(p.event.user_data.zp).toEqual([sha256Hex('94025')]);
    expect(p.event.user_data.country).toEqual([sha256Hex('us')]);
  });

  it('adds value and currency (upper-cased) when withValue', () => {
    const p = prepareEvent(dealItem(demoDeal({ status: 'Committed', details: { currency: 'usd' } }), NOW), { eventName: 'Purchase', withValue: true }, NOW);
    if (!p.ok) throw new Error(p.reason);
    expect(p.event.custom_data).toEqual({ value: 12500000, currency: 'USD' });
    expect(p.event.event_id).toBe('D-927483-XYZ:Committed');
  });

  it('reads a decimal-string deal value', () => {
    const p = prepareEvent(dealItem(demoDeal({ details: { dealValue: '99.50' } }), NOW), { eventName: 'Purchase', withValue: true }, NOW);
    expect(p.ok && p.event.custom_data).toEqual({ value: 99.5, currency: 'USD' });
  });

  it('refuses withValue without a usable value or currency', () => {
    for (const details of [{ dealValue: null }, { dealValue: 'lots' }, { currency: 'US' }, { currency: undefined }]) {
      const p = prepareEvent(dealItem(demoDeal({ details }), NOW), { eventName: 'Purchase', withValue: true }, NOW);
      expect(p.ok).toBe(false);
    }
  });

  it('refuses an event older than 7 days, and accepts one just inside the window', () => {
    const old = prepareEvent(dealItem(demoDeal(), NOW - (MAX_EVENT_AGE_SEC + 1) * 1000), lead, NOW);
    expect(old).toMatchObject({ ok: false, reason: expect.stringContaining('7 days') });
    expect(prepareEvent(dealItem(demoDeal(), NOW - MAX_EVENT_AGE_SEC * 1000), lead, NOW).ok).toBe(true);
  });

  it('refuses a deal without dealId or status, and a body without data', () => {
    expect(prepareEvent(dealItem(demoDeal({ dealId: '' }), NOW), lead, NOW).ok).toBe(false);
    expect(prepareEvent(dealItem(demoDeal({ details: { status: undefined } }), NOW), lead, NOW).ok).toBe(false);
    expect(prepareEvent(dealItem({ status: 'success' }, NOW), lead, NOW).ok).toBe(false);
    expect(prepareEvent(dealItem('not json', NOW), lead, NOW).ok).toBe(false);
  });

  it('refuses only when no identifier at all remains', () => {
    const raw = demoDeal({ customer: { contactId: '', email: 'x', phoneNumber: '1', firstName: '', lastName: '.' } });
    const data = (raw as { data: Record<string, unknown> }).data;
    data.propertyInformation = {};
    expect(prepareEvent(dealItem(raw, NOW), lead, NOW)).toMatchObject({ ok: false, reason: expect.stringContaining('identifier') });
  });
});
