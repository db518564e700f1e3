import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVerifier } from './create-verifier.js';
import { authRedactedHeaders } from './redacted-headers.js';
import { authConfigSchema } from './schema.js';

const TOKEN = 'radar-webhook-token-0001';
const OLD = 'radar-webhook-token-0000';
const sign = (token: string, id: string) => createHmac('sha1', token).update(id).digest('hex');
const verifier = (input: unknown) => createVerifier(authConfigSchema.parse(input));
const req = (headers: Record<string, string | string[]>) => ({ headers, rawBody: Buffer.from('{}'), nowMs: 0 });

describe('radar auth', () => {
  it('admits the HMAC-SHA1 of the signing id keyed with the token, in either hex case', () => {
    const v = verifier({ type: 'radar', token: TOKEN });
    const id = '64d28b9f7a2fd90012d16fcc';
    expect(v(req({ 'x-radar-signing-id': id, 'x-radar-signature': sign(TOKEN, id) }))).toEqual({ ok: true, method: 'radar', keyIndex: 0 });
    expect(v(req({ 'X-Radar-Signing-Id': id, 'X-Radar-Signature': sign(TOKEN, id).toUpperCase() })).ok).toBe(true);
  });

  it('refuses a wrong token, another signing id, a missing or repeated header, non-hex', () => {
    const v = verifier({ type: 'radar', token: TOKEN });
    expect(v(req({ 'x-radar-signing-id': 'a', 'x-radar-signature': sign(OLD, 'a') }))).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(v(req({ 'x-radar-signing-id': 'b', 'x-radar-signature': sign(TOKEN, 'a') }))).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(v(req({ 'x-radar-signature': sign(TOKEN, 'a') }))).toEqual({ ok: false, reason: 'missing x-radar-signing-id header' });
    expect(v(req({ 'x-radar-signing-id': 'a' }))).toEqual({ ok: false, reason: 'missing x-radar-signature header' });
    expect(v(req({ 'x-radar-signing-id': ['a', 'b'], 'x-radar-signature': sign(TOKEN, 'a') }))).toEqual({
      ok: false,
      reason: 'multiple x-radar-signing-id headers',
    });
    expect(v(req({ 'x-radar-signing-id': 'a', 'x-radar-signature': 'zz' }))).toEqual({ ok: false, reason: 'signature is not hex' });
  });

  it('takes a token list while one is rotated out and says which matched', () => {
    const v = verifier({ type: 'radar', tokens: [TOKEN, OLD] });
    expect(v(req({ 'x-radar-signing-id': 'a', 'x-radar-signature': sign(OLD, 'a') }))).toEqual({ ok: true, method: 'radar', keyIndex: 1 });
  });

  it('needs exactly one of token and tokens, each at least 16 characters', () => {
    expect(authConfigSchema.safeParse({ type: 'radar' }).success).toBe(false);
    expect(authConfigSchema.safeParse({ type: 'radar', token: TOKEN, tokens: [OLD] }).success).toBe(false);
    expect(authConfigSchema.safeParse({ type: 'radar', token: 'short' }).success).toBe(false);
    expect(authConfigSchema.safeParse({ type: 'radar', token: TOKEN, secret: 'x' }).success).toBe(false);
    expect(authConfigSchema.parse({ type: 'radar', token: TOKEN })).toEqual({ type: 'radar', tokens: [TOKEN] });
  });

  it('redacts the signature header', () => {
    expect(authRedactedHeaders(authConfigSchema.parse({ type: 'radar', token: TOKEN }))).toEqual(['x-radar-signature', 'authorization']);
  });
});
