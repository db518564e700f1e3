import { createHmac, createSecretKey } from 'node:crypto';
import { readHeader } from './read-header.js';
import type { AuthConfigOf } from './schema.js';
import { digestsEqual } from './secret-set.js';
import type { Verifier } from './verifier.js';

const TIMESTAMP = /^\d{1,12}$/;
/** A sender rotating keys sends a few signatures; hundreds would only be an attempt to burn CPU. */
export const MAX_SIGNATURES = 16;

/**
 * Standard Webhooks (standardwebhooks.com): base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`))
 * in `webhook-signature` as space-separated `v1,<sig>` entries, any of which may match.
 *
 * Implemented here rather than through the `standardwebhooks` package, which the tests use as
 * the reference signer: the package reads `Date.now()` itself with a fixed 5-minute window (no
 * injected clock, no configurable tolerance), decodes the body to a string before signing (so
 * bytes that are not UTF-8 are lost) and hashes in JavaScript, where node:crypto is several
 * times faster on this hot path.
 */
export function standardWebhooksVerifier(auth: AuthConfigOf<'standard_webhooks'>): Verifier {
  const key = createSecretKey(Buffer.from(auth.secret.slice('whsec_'.length), 'base64'));
  const toleranceMs = auth.toleranceSec * 1000;
  return ({ headers, rawBody, nowMs }) => {
    const id = readHeader(headers, 'webhook-id');
    const ts = readHeader(headers, 'webhook-timestamp');
    const sig = readHeader(headers, 'webhook-signature');
    if (id.kind === 'absent' || ts.kind === 'absent' || sig.kind === 'absent') {
      return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' };
    }
    if (id.kind === 'many' || ts.kind === 'many' || sig.kind === 'many') return { ok: false, reason: 'repeated webhook-* headers' };
    if (!TIMESTAMP.test(ts.value)) return { ok: false, reason: 'invalid webhook-timestamp' };
    const tsMs = Number(ts.value) * 1000;
    if (nowMs - tsMs > toleranceMs) return { ok: false, reason: 'timestamp expired' };
    // A far-future stamp would keep a captured request replayable until then.
    if (tsMs - nowMs > toleranceMs) return { ok: false, reason: 'timestamp in the future' };
    const entries = sig.value.split(' ');
    if (entries.length > MAX_SIGNATURES) return { ok: false, reason: 'too many signatures' };
    const expected = createHmac('sha256', key).update(`${id.value}.${ts.value}.`, 'utf8').update(rawBody).digest('base64');
    let matched = false;
    for (const entry of entries) {
      // Other versions (v1a: asymmetric) are skipped, as the specification says.
      if (!entry.startsWith('v1,')) continue;
      if (digestsEqual(entry.slice(3), expected)) matched = true;
    }
    return matched ? { ok: true, method: 'standard_webhooks' } : { ok: false, reason: 'no matching signature' };
  };
}
