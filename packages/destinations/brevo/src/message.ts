import type { BrevoDestinationConfig } from './config.js';
import { fullName, type DealMail } from './deal.js';
import { dealHtml, defaultSubject } from './html.js';
import type { BrevoSettings } from './settings.js';

/** The body of `POST /v3/smtp/email` as this destination sends it (SDK `SendTransacEmailRequest`, in part). */
export interface BrevoEmailRequest {
  sender: { email: string; name?: string };
  to: Array<{ email: string; name?: string }>;
  subject?: string;
  htmlContent?: string;
  templateId?: number;
  params?: Record<string, string | number>;
  headers: Record<string, string>;
}

/** Template params: `{{params.dealName}}`, `{{params.address}}`, … in Brevo's New Template Language. */
export function templateParams(deal: DealMail): Record<string, string | number> {
  const params: Record<string, string | number | undefined> = {
    dealId: deal.dealId,
    dealName: deal.dealName,
    dealValue: deal.dealValue,
    currency: deal.currency,
    closingDate: deal.closingDate,
    firstName: deal.firstName,
    lastName: deal.lastName,
    ...deal.property,
  };
  // Absent fields stay absent, so a template's `{% if params.city %}` sees them as unset.
  return Object.fromEntries(Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined));
}

/**
 * The e-mail for one deal. The idempotency key goes into the body's `headers` in both
 * spellings: Brevo's docs name it `idempotencyKey`, SDK 6.0.3's docstring `Idempotency-Key`
 * (providers.md §2), and sending both costs nothing if one is ignored.
 */
export function buildEmail(
  deal: DealMail & { email: string },
  settings: BrevoSettings,
  config: BrevoDestinationConfig,
  idempotencyKey: string,
): BrevoEmailRequest {
  const name = fullName(deal);
  const base = {
    sender: settings.BREVO_SENDER_NAME ? { email: settings.BREVO_SENDER_EMAIL, name: settings.BREVO_SENDER_NAME } : { email: settings.BREVO_SENDER_EMAIL },
    to: [name ? { email: deal.email, name } : { email: deal.email }],
    headers: { idempotencyKey, 'Idempotency-Key': idempotencyKey },
  };
  const templateId = config.templateId ?? settings.BREVO_TEMPLATE_ID;
  // With a template Brevo ignores htmlContent and the template carries its subject.
  if (templateId !== undefined) return { ...base, templateId, params: templateParams(deal) };
  return { ...base, subject: config.subject ?? defaultSubject(deal), htmlContent: dealHtml(deal) };
}
