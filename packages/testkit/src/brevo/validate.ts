/** What the fake keeps of a valid `POST /v3/smtp/email` body. */
export interface ValidEmail {
  sender?: { email?: string; name?: string; id?: number };
  to: Array<{ email: string; name?: string }>;
  subject?: string;
  htmlContent?: string;
  textContent?: string;
  templateId?: number;
  params?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Brevo's 400 body: `{code, message}` with a code of SDK 6.0.3's `BadRequestErrorBody.Code`. */
export interface BrevoBadRequest {
  code: 'missing_parameter' | 'invalid_parameter' | 'bad_request';
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Loose on purpose: the fake checks shape, Brevo's own address rules are not published.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const missing = (message: string): BrevoBadRequest => ({ code: 'missing_parameter', message });
const invalid = (message: string): BrevoBadRequest => ({ code: 'invalid_parameter', message });
const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';

function checkSender(sender: unknown, hasTemplate: boolean): BrevoBadRequest | undefined {
  if (sender === undefined) return hasTemplate ? undefined : missing('sender is missing');
  if (!isRecord(sender)) return invalid('sender must be an object');
  if (sender.id !== undefined) return Number.isInteger(sender.id) ? undefined : invalid('sender.id must be an integer');
  if (typeof sender.email !== 'string' || !EMAIL.test(sender.email)) return invalid('valid sender email required');
  if (!optionalString(sender.name)) return invalid('sender.name must be a string');
  return undefined;
}

function checkTo(to: unknown): BrevoBadRequest | undefined {
  if (to === undefined) return missing('to is missing');
  if (!Array.isArray(to) || to.length === 0) return invalid('to must be a non-empty array');
  for (const [i, r] of to.entries()) {
    if (!isRecord(r) || typeof r.email !== 'string' || !EMAIL.test(r.email)) return invalid(`email is not valid in to[${i}]`);
    if (!optionalString(r.name)) return invalid(`to[${i}].name must be a string`);
  }
  return undefined;
}

function checkContent(body: Record<string, unknown>): BrevoBadRequest | undefined {
  if (body.templateId !== undefined) {
    if (!Number.isInteger(body.templateId) || (body.templateId as number) <= 0) return invalid('templateId must be a positive integer');
    if (body.params !== undefined && !isRecord(body.params)) return invalid('params must be an object');
    return undefined;
  }
  if (typeof body.subject !== 'string' || body.subject === '') return missing('subject is missing');
  if (!optionalString(body.htmlContent) || !optionalString(body.textContent)) return invalid('htmlContent and textContent must be strings');
  if (!body.htmlContent && !body.textContent) return missing('htmlContent or textContent or templateId is missing');
  return undefined;
}

function checkHeaders(headers: unknown): BrevoBadRequest | undefined {
  if (headers === undefined) return undefined;
  if (!isRecord(headers) || !Object.values(headers).every((v) => typeof v === 'string')) return invalid('headers must be an object of strings');
  // developers.brevo.com: "The value must be a UUID".
  const key = headers.idempotencyKey;
  if (key !== undefined && !UUID.test(key as string)) return invalid('idempotencyKey must be a UUID');
  return undefined;
}

/** Checks a body the way Brevo documents it: the e-mail, or the first thing wrong with it. */
export function validateEmail(body: unknown): { ok: true; email: ValidEmail } | { ok: false; error: BrevoBadRequest } {
  if (!isRecord(body)) return { ok: false, error: { code: 'bad_request', message: 'the body must be a JSON object' } };
  const problem = checkSender(body.sender, body.templateId !== undefined) ?? checkTo(body.to) ?? checkContent(body) ?? checkHeaders(body.headers);
  return problem ? { ok: false, error: problem } : { ok: true, email: body as unknown as ValidEmail };
}

/** The key a sender chose, in either spelling (providers.md §2: docs and SDK disagree). */
export const idempotencyKeyOf = (email: ValidEmail): string | undefined => email.headers?.idempotencyKey ?? email.headers?.['Idempotency-Key'];
