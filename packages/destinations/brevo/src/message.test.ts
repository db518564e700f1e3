import { describe, expect, it } from 'vitest';
import { readDeal } from './deal.js';
import { escapeHtml } from './html.js';
import { buildEmail } from './message.js';
import type { BrevoSettings } from './settings.js';
import { committedDeal } from './test-deal.js';

const settings: BrevoSettings = {
  BREVO_API_URL: 'https://api.brevo.com',
  BREVO_API_KEY: 'k',
  BREVO_SENDER_EMAIL: 'deals@example.com',
  BREVO_SENDER_NAME: 'Deals',
};
const KEY = '2ed6657d-e927-568b-95e1-2665a8aea6a2';
const mail = (raw: unknown) => {
  const deal = readDeal(raw);
  return { ...deal, email: deal.email ?? '' };
};

describe('buildEmail', () => {
  it('sends the built-in HTML e-mail without a template, to "first last", with both idempotency spellings', () => {
    const body = buildEmail(mail(committedDeal()), settings, {}, KEY);
    expect(body).toMatchObject({
      sender: { email: 'deals@example.com', name: 'Deals' },
      to: [{ email: 'john.doe@example.com', name: 'John Doe' }],
      subject: 'Property details: The Grand Cypress Acquisition',
      headers: { idempotencyKey: KEY, 'Idempotency-Key': KEY },
    });
    expect(body.templateId).toBeUndefined();
    for (const text of [
      'PROP-101122',
      '4509 Ocean View Dr, Suite 200',
      'Coastal City',
      'CA',
      '90210',
      'Commercial Office',
      '15000',
      '12,500,000.00 USD',
      '2026-03-15',
    ])
      expect(body.htmlContent).toContain(text);
  });

  it('escapes every CRM value in the HTML', () => {
    const raw = committedDeal({ address: '<script>alert("x")</script> & Co', city: "O'Brien" }, { firstName: '<b>John</b>' });
    const html = buildEmail(mail(raw), settings, { subject: 'Yours' }, KEY).htmlContent ?? '';
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>John');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(html).toContain('O&#39;Brien');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('uses a template with params: the rule’s over BREVO_TEMPLATE_ID, no subject or HTML', () => {
    const withSetting = { ...settings, BREVO_TEMPLATE_ID: 5 };
    expect(buildEmail(mail(committedDeal()), withSetting, {}, KEY).templateId).toBe(5);
    const body = buildEmail(mail(committedDeal()), withSetting, { templateId: 9 }, KEY);
    expect(body.templateId).toBe(9);
    expect(body.subject).toBeUndefined();
    expect(body.htmlContent).toBeUndefined();
    expect(body.params).toEqual({
      dealId: 'D-927483-XYZ',
      dealName: 'The Grand Cypress Acquisition',
      dealValue: 12500000,
      currency: 'USD',
      closingDate: '2026-03-15',
      firstName: 'John',
      lastName: 'Doe',
      propertyId: 'PROP-101122',
      address: '4509 Ocean View Dr, Suite 200',
      city: 'Coastal City',
      state: 'CA',
      zipCode: '90210',
      propertyType: 'Commercial Office',
      squareFootage: 15000,
    });
  });

  it('leaves out what the CRM did not send: no recipient name, no sender name, absent fields', () => {
    const raw = committedDeal({ city: undefined, zipCode: '' }, { firstName: undefined, lastName: undefined });
    const body = buildEmail(mail(raw), { ...settings, BREVO_SENDER_NAME: undefined }, { templateId: 1 }, KEY);
    expect(body.to).toEqual([{ email: 'john.doe@example.com' }]);
    expect(body.sender).toEqual({ email: 'deals@example.com' });
    expect(body.params).not.toHaveProperty('city');
    expect(body.params).not.toHaveProperty('zipCode');
  });
});
