import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Agent } from 'undici';
import { createDestinationGuard, DestinationError, type DestinationOptions, type Resolve } from '../destination-guard.js';
import type { AttemptOutcome } from '../store/rows.js';
import { parseRetryAfter } from '../schedule.js';

/** What one POST to an endpoint came to. */
export interface SendResult {
  outcome: AttemptOutcome;
  status: number | null;
  latencyMs: number;
  error: string | null;
  /** The start of the answer's body, for the delivery log. */
  responseSnippet: string | null;
  /** From Retry-After, when the answer had one. */
  retryAfterMs: number | null;
  /**
   * The answer's headers (lower-case names, repeated ones joined with ", "), when there was an
   * answer: destinations read their own rate-limit headers from it (Brevo's x-sib-ratelimit-reset).
   */
  headers?: Record<string, string>;
}

export interface SenderOptions {
  destinations: DestinationOptions;
  timeoutMs: number;
  /** Bytes of the answer kept for the log. */
  snippetBytes?: number;
  /** Keep-alive connections per endpoint origin. */
  connectionsPerOrigin?: number;
  resolve?: Resolve;
  userAgent?: string;
}

export interface Sender {
  send(url: string, body: string, headers: Record<string, string>): Promise<SendResult>;
  close(): Promise<void>;
}

/** Bodies past this are not read on (the socket is dropped instead); the log keeps only the snippet anyway. */
const MAX_DRAIN_BYTES = 64 * 1024;

/**
 * POSTs over undici with the destination guard at both ends: each URL is checked before the
 * request, and every new connection resolves its host through the guard, so a DNS answer that
 * changes to a private address after the check (rebinding) is refused at connect time too.
 * Redirects are never followed (undici's request does not, and no redirect interceptor is set):
 * a 3xx is a failed attempt, not a second destination chosen by the receiver.
 */
export function createHttpSender(opts: SenderOptions): Sender {
  const guard = createDestinationGuard(opts.destinations, opts.resolve);
  const snippetBytes = opts.snippetBytes ?? 1024;
  const lookup: LookupFunction = (hostname, options, callback) => {
    guard(`https://${hostname}/`).then(
      (addresses) => {
        const address = addresses[0] ?? '';
        const family = isIP(address) || 4;
        if ((options as { all?: boolean }).all) callback(null, addresses.map((a) => ({ address: a, family: isIP(a) || 4 })) as never);
        else callback(null, address, family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 4),
    );
  };
  const agent = new Agent({
    connections: opts.connectionsPerOrigin ?? 32,
    keepAliveTimeout: 30_000,
    connect: { lookup, timeout: Math.min(opts.timeoutMs, 10_000) },
  });
  return {
    async send(url, body, headers) {
      const started = performance.now();
      const took = (): number => Math.round(performance.now() - started);
      try {
        await guard(url);
      } catch (err) {
        return failure('refused', took(), (err as Error).message);
      }
      const signal = AbortSignal.timeout(opts.timeoutMs);
      try {
        const res = await agent.request({
          origin: new URL(url).origin,
          path: pathOf(url),
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': opts.userAgent ?? 'Hookstream-Webhooks/1.0', ...headers },
          body,
          signal,
        });
        const snippet = await readSnippet(res.body, snippetBytes);
        const retryAfter = res.headers['retry-after'];
        const result = {
          status: res.statusCode,
          latencyMs: took(),
          responseSnippet: snippet,
          retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, Date.now()),
          headers: flatHeaders(res.headers),
        };
        if (res.statusCode >= 200 && res.statusCode < 300) return { ...result, outcome: 'succeeded', error: null };
        if (res.statusCode === 410) return { ...result, outcome: 'gone', error: 'HTTP 410 Gone' };
        const redirect = res.statusCode >= 300 && res.statusCode < 400 ? ' (redirects are not followed)' : '';
        return { ...result, outcome: 'failed', error: `HTTP ${res.statusCode}${redirect}` };
      } catch (err) {
        if (signal.aborted) return failure('timeout', took(), `no answer within ${opts.timeoutMs} ms`);
        if (err instanceof DestinationError || (err as { cause?: unknown }).cause instanceof DestinationError)
          return failure('refused', took(), (err as Error).message);
        return failure('network', took(), networkMessage(err));
      }
    },
    close: () => agent.close(),
  };
}

const failure = (outcome: AttemptOutcome, latencyMs: number, error: string): SendResult => ({
  outcome,
  status: null,
  latencyMs,
  error,
  responseSnippet: null,
  retryAfterMs: null,
});

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

function pathOf(raw: string): string {
  const u = new URL(raw);
  return `${u.pathname}${u.search}`;
}

function networkMessage(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return code ? `${code}: ${message}` : message;
}

/** Reads the answer up to a cap; what is past the cap is discarded without being buffered. */
async function readSnippet(body: AsyncIterable<Buffer> & { destroy(): unknown }, keep: number): Promise<string | null> {
  const parts: Buffer[] = [];
  let kept = 0;
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.length;
    if (kept < keep) {
      const part = chunk.subarray(0, keep - kept);
      parts.push(part);
      kept += part.length;
    }
    if (seen > MAX_DRAIN_BYTES) {
      body.destroy();
      break;
    }
  }
  if (kept === 0) return null;
  // A cut may split a UTF-8 sequence; the replacement character shows where.
  return Buffer.concat(parts).toString('utf8');
}
