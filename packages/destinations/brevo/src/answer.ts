import { itemResultOf, type ItemResult, type SendResult } from '@hookstream/deliveries';

/** Answers that cannot change by sending the same request again: a bad request, a bad or missing key. */
const FINAL_STATUSES = new Set([400, 401]);

interface BrevoError {
  code: string;
  message: string;
}

function parseJson(text: string | null): Record<string, unknown> | undefined {
  if (text === null) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    // A cut snippet (past 1 KiB) or an HTML error page from a proxy: not Brevo's JSON.
    return undefined;
  }
}

function brevoError(snippet: string | null): BrevoError | undefined {
  const body = parseJson(snippet);
  return typeof body?.code === 'string' && typeof body.message === 'string' ? { code: body.code, message: body.message } : undefined;
}

/** `x-sib-ratelimit-reset` is seconds until the window resets (developers.brevo.com/docs/limit-headers). */
export function rateLimitResetMs(headers: Record<string, string> | undefined): number | null {
  const raw = headers?.['x-sib-ratelimit-reset']?.trim();
  if (raw === undefined || !/^\d+(\.\d+)?$/.test(raw)) return null;
  return Math.ceil(Number(raw) * 1000);
}

/** Keeps the key out of everything that is stored or logged, whatever an error message quoted. */
const redact = (text: string | null, secret: string): string | null => (text === null || secret === '' ? text : text.split(secret).join('[redacted]'));

/**
 * One Brevo answer as a delivery result. 201 keeps the messageId; 400 and 401 are final (the
 * same request, or the same key, fails the same way: fix and redrive); 429 waits for the rate
 * window; everything else (5xx, timeouts, network) follows the retry schedule.
 */
export function resultOf(sent: SendResult, apiKey: string): ItemResult {
  const base = itemResultOf(sent);
  const result: ItemResult = { ...base, error: redact(base.error, apiKey), responseSnippet: redact(base.responseSnippet, apiKey) };
  if (sent.outcome === 'succeeded') {
    const messageId = parseJson(sent.responseSnippet)?.messageId;
    return { ...result, externalId: typeof messageId === 'string' ? messageId : null };
  }
  if (sent.status === null) return result;
  const err = brevoError(sent.responseSnippet);
  if (err?.code === 'duplicate_request') {
    // Our key is derived from this delivery alone, so Brevo saying it saw it means an earlier
    // attempt (one that timed out here) got through: the e-mail went out. [unconfirmed: what
    // Brevo answers to a repeated idempotency key is not documented, see providers.md §2]
    return { ...result, outcome: 'succeeded', error: null, externalId: null };
  }
  const error = err ? redact(`HTTP ${sent.status} ${err.code}: ${err.message}`, apiKey) : result.error;
  if (FINAL_STATUSES.has(sent.status)) return { ...result, error, final: true };
  if (sent.status === 429) return { ...result, error, retryAfterMs: rateLimitResetMs(sent.headers) ?? sent.retryAfterMs };
  return { ...result, error };
}
