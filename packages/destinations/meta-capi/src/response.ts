import type { SendResult } from '@hookstream/deliveries';

/** The fields of a Graph error body (graph-api/using-graph-api/error-handling). */
export interface GraphError {
  code: number | null;
  subcode: number | null;
  type: string | null;
  message: string | null;
  fbtraceId: string | null;
  /** Graph's own hint, when it sends one. */
  transient: boolean | null;
}

/**
 * What an answer means for the events it carried:
 * - `accepted`: every event is in;
 * - `invalid`: code 100 — some event or parameter is wrong; a batch is split to find which;
 * - `final`: will never succeed as sent (bad token, other 4xx) — dead-letter;
 * - `retry`: may succeed later (codes 1, 2, 4, 17, 613, 5xx, timeouts, network).
 */
export type Verdict =
  | { kind: 'accepted'; fbtraceId: string | null }
  | { kind: 'invalid'; error: string; wholeRequest: boolean }
  | { kind: 'final'; error: string }
  | { kind: 'retry'; error: string };

/** Temporary (1, 2), throttling (4 app, 17 user, 613 call rate), and 341 (app limit) per the error-handling page. */
const RETRY_CODES = new Set([1, 2, 4, 17, 341, 613]);
/** 100 + subcode 33: the pixel itself does not exist or the token cannot post to it — no event is to blame. */
const UNKNOWN_OBJECT_SUBCODE = 33;
/** Code-100 refusals about the request, not an event: splitting the batch cannot help. */
const requestWide = (e: GraphError): boolean => e.subcode === UNKNOWN_OBJECT_SUBCODE || /appsecret_proof/i.test(e.message ?? '');

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Reads the error out of an answer's snippet. The snippet is the first KiB of the body, so a
 * long `error_user_msg` may cut the JSON short: the fields are then picked out one by one.
 */
export function parseGraphError(snippet: string | null): GraphError | null {
  if (snippet === null) return null;
  try {
    const body = JSON.parse(snippet) as { error?: Record<string, unknown> };
    const e = body.error;
    if (typeof e !== 'object' || e === null) return null;
    const message = str(e.message);
    const userMsg = str(e.error_user_msg);
    return {
      code: num(e.code),
      subcode: num(e.error_subcode),
      type: str(e.type),
      // error_user_msg is where Meta says which field is wrong; message alone is often generic.
      message: message !== null && userMsg !== null ? `${message} (${userMsg})` : (message ?? userMsg),
      fbtraceId: str(e.fbtrace_id),
      transient: typeof e.is_transient === 'boolean' ? e.is_transient : null,
    };
  } catch {
    const code = /"code"\s*:\s*(\d+)/.exec(snippet);
    if (!/"error"\s*:/.test(snippet) || code === null) return null;
    const field = (name: string): string | null => new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(snippet)?.[1] ?? null;
    const sub = /"error_subcode"\s*:\s*(\d+)/.exec(snippet);
    return {
      code: Number(code[1]),
      subcode: sub ? Number(sub[1]) : null,
      type: field('type'),
      message: field('message'),
      fbtraceId: field('fbtrace_id'),
      transient: null,
    };
  }
}

/** fbtrace_id of a 2xx `{events_received, messages, fbtrace_id}`; null when the body is not that. */
export function fbtraceOf(snippet: string | null): string | null {
  if (snippet === null) return null;
  return /"fbtrace_id"\s*:\s*"([^"]+)"/.exec(snippet)?.[1] ?? null;
}

const describe = (e: GraphError, status: number | null): string => {
  const parts = [`Meta Graph error ${e.code ?? '?'}`];
  if (e.subcode !== null) parts.push(`/${e.subcode}`);
  if (e.type) parts.push(` (${e.type})`);
  parts.push(`: ${e.message ?? 'no message'}`);
  if (status !== null) parts.push(` [HTTP ${status}]`);
  if (e.fbtraceId) parts.push(` fbtrace_id=${e.fbtraceId}`);
  return parts.join('');
};

/** Classifies one answer of the sender. The Graph code decides before the HTTP status: Meta sends most errors as 400, retryable ones included. */
export function classify(sent: SendResult): Verdict {
  if (sent.outcome === 'succeeded') return { kind: 'accepted', fbtraceId: fbtraceOf(sent.responseSnippet) };
  if (sent.status === null) return { kind: 'retry', error: sent.error ?? `${sent.outcome} without an answer` };
  const e = parseGraphError(sent.responseSnippet);
  if (e !== null && e.code !== null) {
    const text = describe(e, sent.status);
    if (e.code === 100) return { kind: 'invalid', error: text, wholeRequest: requestWide(e) };
    if (e.code === 190) return { kind: 'final', error: text };
    if (RETRY_CODES.has(e.code) || e.transient === true) return { kind: 'retry', error: text };
    if (sent.status >= 500) return { kind: 'retry', error: text };
    return { kind: 'final', error: text };
  }
  const text = `${sent.error ?? `HTTP ${sent.status}`} without a Graph error body`;
  // 408/429 and 5xx are about load, not the request; any other 4xx will not change on resend.
  if (sent.status >= 500 || sent.status === 408 || sent.status === 429) return { kind: 'retry', error: text };
  return { kind: 'final', error: text };
}
