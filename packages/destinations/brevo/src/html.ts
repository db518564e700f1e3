import { fullName, PROPERTY_FIELDS, type DealMail, type PropertyField } from './deal.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every CRM value goes through this: a deal or an address is text from outside, never markup. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

const LABELS: Record<PropertyField, string> = {
  propertyId: 'Property ID',
  address: 'Address',
  city: 'City',
  state: 'State',
  zipCode: 'ZIP code',
  propertyType: 'Property type',
  squareFootage: 'Square footage',
};

/** "12,500,000.00 USD": the CRM sends a bare number; a string is shown as the CRM wrote it. */
export function formatValue(value: number | string | undefined, currency: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const amount = typeof value === 'number' ? value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : value;
  return currency ? `${amount} ${currency}` : amount;
}

const row = (label: string, value: string | number | undefined): string =>
  value === undefined || value === ''
    ? ''
    : `<tr><th align="left" style="padding:4px 12px 4px 0">${escapeHtml(label)}</th><td style="padding:4px 0">${escapeHtml(String(value))}</td></tr>`;

export function defaultSubject(deal: DealMail): string {
  return deal.dealName ? `Property details: ${deal.dealName}` : 'Your property details';
}

/** The built-in e-mail, for rules without a Brevo template: the deal and every property field the CRM sent. */
export function dealHtml(deal: DealMail): string {
  const name = fullName(deal);
  const deals = [row('Deal', deal.dealName), row('Value', formatValue(deal.dealValue, deal.currency)), row('Closing date', deal.closingDate)].join('');
  const property = PROPERTY_FIELDS.map((f) => row(LABELS[f], deal.property[f])).join('');
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${name ? `Dear ${escapeHtml(name)},` : 'Hello,'}</p>`,
    '<p>Your deal is committed. Here are the details of the property.</p>',
    `<table>${deals}</table>`,
    `<h3>Property</h3><table>${property}</table>`,
    '</body></html>',
  ].join('');
}
