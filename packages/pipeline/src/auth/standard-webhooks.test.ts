import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifierFor } from './test-helpers.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER = 'whsec_dGhlLW90aGVyLXNlY3JldC1rZXk=';
const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const BODY = '{"type":"invoice.paid","data":{"id":"in_1"}}';

/** Headers as a Standard Webhooks sender makes them, signed by the reference library. */
function signed(
  secret: string,
  atMs: number,
  body = BODY,
  id = 'msg_2a9G',
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(atMs / 1000)), 'webhook-signature': new Webhook(secret).sign(id, new Date(atMs), body) };
}

describe('standard_webhooks', () => {
  const verify = verifierFor({ type: 'standard_webhooks', secret: SECRET });

  it('accepts what the reference library signs, and agrees with its verify()', () => {
    const headers = signed(SECRET, NOW);
    expect(verify(headers, BODY, NOW)).toEqual({ ok: true, method: 'standard_webhooks' });
    // The library reads the system clock itself; pin it to the same instant.
    vi.useFakeTimers({ now: NOW });
    expect(new Webhook(SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('accepts any of several space-separated signatures (key rotation) and skips other versions', () => {
    const old = signed(OTHER, NOW)['webhook-signature'];
    const current = signed(SECRET, NOW)['webhook-signature'];
    const headers = { ...signed(SECRET, NOW), 'webhook-signature': `v1a,bm90LWFzeW1tZXRyaWM= ${old} ${current}` };
    expect(verify(headers, BODY, NOW).ok).toBe(true);
    expect(verify({ ...headers, 'webhook-signature': `${old} v1a,${current.slice(3)}` }, BODY, NOW)).toEqual({ ok: false, reason: 'no matching signature' });
  });

  it('refuses a tampered body, another id, a wrong secret and missing headers', () => {
    const headers = signed(SECRET, NOW);
    expect(verify(headers, BODY.replace('in_1', 'in_2'), NOW)).toEqual({ ok: false, reason: 'no matching signature' });
    expect(verify({ ...headers, 'webhook-id': 'msg_other' }, BODY, NOW).ok).toBe(false);
    expect(verify(signed(OTHER, NOW), BODY, NOW).ok).toBe(false);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const partial: Record<string, string> = { ...headers };
      delete partial[name];
      expect(verify(partial, BODY, NOW)).toEqual({ ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' });
    }
    expect(verify({ ...headers, 'webhook-timestamp': '17e8' }, BODY, NOW)).toEqual({ ok: false, reason: 'invalid webhook-timestamp' });
  });

  it('refuses timestamps outside the window on either side, by the injected clock', () => {
    const edge = 300_000;
    expect(verify(signed(SECRET, NOW - edge), BODY, NOW).ok).toBe(true);
    expect(verify(signed(SECRET, NOW + edge), BODY, NOW).ok).toBe(true);
    expect(verify(signed(SECRET, NOW - edge - 1000), BODY, NOW)).toEqual({ ok: false, reason: 'timestamp expired' });
    expect(verify(signed(SECRET, NOW + edge + 1000), BODY, NOW)).toEqual({ ok: false, reason: 'timestamp in the future' });
    const strict = verifierFor({ type: 'standard_webhooks', secret: SECRET, toleranceSec: 10 });
    expect(strict(signed(SECRET, NOW - 11_000), BODY, NOW)).toEqual({ ok: false, reason: 'timestamp expired' });
  });

  it('reads the headers case-insensitively', () => {
    const upper = Object.fromEntries(Object.entries(signed(SECRET, NOW)).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verify(upper, BODY, NOW).ok).toBe(true);
  });

  it('bounds the work a signature list can cause', () => {
    const many = Array.from({ length: 17 }, () => 'v1,AAAA').join(' ');
    expect(verify({ ...signed(SECRET, NOW), 'webhook-signature': many }, BODY, NOW)).toEqual({ ok: false, reason: 'too many signatures' });
  });
});
