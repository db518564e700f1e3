import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifierFor } from './test-helpers.js';

const SECRET = 'hmac-secret-at-least-16';
const BODY = '{"event_id":1,"description":"caf\u00e9"}';
const sign = (algorithm: string, encoding: 'hex' | 'base64', body: string | Buffer = BODY) => createHmac(algorithm, SECRET).update(body).digest(encoding);

describe('hmac', () => {
  it('accepts the HMAC of the raw body in each algorithm and encoding', () => {
    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      for (const encoding of ['hex', 'base64'] as const) {
        const verify = verifierFor({ type: 'hmac', header: 'x-signature', algorithm, encoding, secret: SECRET });
        expect(verify({ 'x-signature': sign(algorithm, encoding) }, BODY)).toEqual({ ok: true, method: 'hmac' });
      }
    }
  });

  it('refuses a tampered body, a wrong secret, a missing header and another algorithm', () => {
    const verify = verifierFor({ type: 'hmac', header: 'x-signature', secret: SECRET });
    const good = sign('sha256', 'hex');
    expect(verify({ 'x-signature': good }, BODY.replace('1', '2'))).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(verify({ 'x-signature': createHmac('sha256', `${SECRET}x`).update(BODY).digest('hex') }, BODY).ok).toBe(false);
    expect(verify({}, BODY)).toEqual({ ok: false, reason: 'missing x-signature header' });
    expect(verify({ 'x-signature': sign('sha512', 'hex') }, BODY).ok).toBe(false);
    expect(verify({ 'x-signature': good.slice(0, -2) }, BODY).ok).toBe(false);
    expect(verify({ 'x-signature': `${good}00` }, BODY).ok).toBe(false);
  });

  it('signs bytes, not text: a body that is not UTF-8 verifies as sent and fails when altered', () => {
    const verify = verifierFor({ type: 'hmac', header: 'x-signature', secret: SECRET });
    const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    expect(verify({ 'x-signature': sign('sha256', 'hex', raw) }, raw).ok).toBe(true);
    expect(verify({ 'x-signature': sign('sha256', 'hex', raw) }, Buffer.from([0x7b, 0xff, 0xfd, 0x7d])).ok).toBe(false);
  });

  it('reads the header case-insensitively, accepts upper-case hex and unpadded base64', () => {
    const hex = verifierFor({ type: 'hmac', header: 'X-Signature', secret: SECRET });
    expect(hex({ 'X-SIGNATURE': sign('sha256', 'hex').toUpperCase() }, BODY).ok).toBe(true);
    const b64 = verifierFor({ type: 'hmac', header: 'x-signature', encoding: 'base64', secret: SECRET });
    expect(b64({ 'x-signature': sign('sha256', 'base64').replace(/=+$/, '') }, BODY).ok).toBe(true);
  });

  it('requires the configured prefix before the digest', () => {
    const verify = verifierFor({ type: 'hmac', header: 'x-hub-signature-256', prefix: 'sha256=', secret: SECRET });
    expect(verify({ 'x-hub-signature-256': `sha256=${sign('sha256', 'hex')}` }, BODY).ok).toBe(true);
    expect(verify({ 'x-hub-signature-256': sign('sha256', 'hex') }, BODY)).toEqual({ ok: false, reason: 'signature does not start with sha256=' });
  });
});
