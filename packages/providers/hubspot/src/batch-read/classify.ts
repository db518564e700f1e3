import { HubSpotAuthError, HubSpotBadRequestError, HubSpotRateLimitedError, type HubSpotApiError } from './errors.js';
import { describeError, parseBatchBody, parseErrorBody, parseIntHeader, parseRetryAfterMs, type ParsedBatch } from './responses.js';

/** What one HTTP attempt tells the retry loop to do next. */
export type AttemptOutcome =
  | { kind: 'done'; batch: ParsedBatch; /** HubSpot says the window is used up: hold the portal this long */ pauseMs?: number }
  | {
      kind: 'retry';
      reason: string;
      status?: number;
      rateLimited: boolean;
      /** Prescribed by HubSpot (Retry-After, rate-limit window); otherwise we back off. */
      delayMs?: number;
      /** Lower bound for our own backoff (423 asks for at least 2 s). */
      minDelayMs?: number;
      /** Other calls for the same portal must wait too. */
      pausePortal?: boolean;
      cause?: unknown;
    }
  | { kind: 'fail'; error: HubSpotApiError; /** DAILY limit: refuse further reads of this portal for this long */ blockPortalMs?: number };

export const DEFAULT_INTERVAL_MS = 10_000;

/**
 * Earliest moment a DAILY limit can have reset. It resets at midnight in the account's time
 * zone, which we do not know; every zone's midnight falls on a UTC quarter hour, so checking
 * at the next quarter hour costs one request and never waits longer than necessary by more
 * than 15 minutes.
 */
export function msUntilNextQuarterHour(nowMs: number): number {
  const quarter = 15 * 60_000;
  return quarter - (nowMs % quarter);
}

export async function classifyResponse(res: Response, requested: readonly string[], nowMs: number): Promise<AttemptOutcome> {
  const status = res.status;
  let json: unknown;
  try {
    json = await res.json();
  } catch (cause) {
    json = undefined;
    if (status === 200 || status === 207) {
      return { kind: 'retry', reason: `unreadable ${status} body`, status, rateLimited: false, cause };
    }
  }

  if (status === 200 || status === 207) {
    const batch = parseBatchBody(json, requested);
    if (batch === undefined) return { kind: 'retry', reason: `malformed ${status} body`, status, rateLimited: false };
    const remaining = parseIntHeader(res.headers.get('x-hubspot-ratelimit-remaining'));
    if (remaining === 0) {
      const interval = parseIntHeader(res.headers.get('x-hubspot-ratelimit-interval-milliseconds')) ?? DEFAULT_INTERVAL_MS;
      return { kind: 'done', batch, pauseMs: interval };
    }
    return { kind: 'done', batch };
  }

  const body = parseErrorBody(json);
  const text = describeError(status, body);
  const retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after'), nowMs);

  if (status === 429) {
    if (body.policyName === 'DAILY') {
      const wait = retryAfterMs ?? msUntilNextQuarterHour(nowMs);
      return {
        kind: 'fail',
        error: new HubSpotRateLimitedError(`${text}: daily limit reached`, { status, retryAfterMs: wait }),
        blockPortalMs: wait,
      };
    }
    const interval = parseIntHeader(res.headers.get('x-hubspot-ratelimit-interval-milliseconds'));
    const delayMs = retryAfterMs ?? (body.policyName === 'TEN_SECONDLY_ROLLING' ? (interval ?? DEFAULT_INTERVAL_MS) : undefined);
    return delayMs === undefined
      ? { kind: 'retry', reason: text, status, rateLimited: true, pausePortal: true }
      : { kind: 'retry', reason: text, status, rateLimited: true, delayMs, pausePortal: true };
  }
  if (status === 423) return { kind: 'retry', reason: text, status, rateLimited: false, minDelayMs: 2_000 };
  if (status === 477 || status >= 500) {
    return retryAfterMs === undefined
      ? { kind: 'retry', reason: text, status, rateLimited: false }
      : { kind: 'retry', reason: text, status, rateLimited: false, delayMs: retryAfterMs };
  }
  if (status === 401 || status === 403) return { kind: 'fail', error: new HubSpotAuthError(text, { status }) };
  return { kind: 'fail', error: new HubSpotBadRequestError(text, { status }) };
}
