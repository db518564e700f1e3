import { describe, expect, it } from 'vitest';
import { verifierFor } from './test-helpers.js';

const K1 = 'k1-at-least-16-chars';
const K2 = 'k2-at-least-16-chars';

describe('api_key', () => {
  const verify = verifierFor({ type: 'api_key', keys: [K1, K2] });

  it('accepts every configured key, so a key can be rotated', () => {
    expect(verify({ 'x-api-key': K1 })).toEqual({ ok: true, method: 'api_key', keyIndex: 0 });
    expect(verify({ 'x-api-key': K2 })).toEqual({ ok: true, method: 'api_key', keyIndex: 1 });
  });

  it('refuses a wrong key, a prefix of a key and a missing or repeated header', () => {
    expect(verify({ 'x-api-key': 'k3-at-least-16-chars' })).toEqual({ ok: false, reason: 'invalid api key' });
    expect(verify({ 'x-api-key': K1.slice(0, -1) })).toEqual({ ok: false, reason: 'invalid api key' });
    expect(verify({ 'x-api-key': `${K1}x` })).toEqual({ ok: false, reason: 'invalid api key' });
    expect(verify({})).toEqual({ ok: false, reason: 'missing x-api-key header' });
    expect(verify({ 'x-api-key': '' })).toEqual({ ok: false, reason: 'missing x-api-key header' });
    expect(verify({ 'x-api-key': [K1, K2] })).toEqual({ ok: false, reason: 'multiple x-api-key headers' });
  });

  it('finds the header whatever its case, in the config and in the request', () => {
    const custom = verifierFor({ type: 'api_key', header: 'X-Hook-Key', keys: [K1] });
    expect(custom({ 'x-hook-key': K1 }).ok).toBe(true);
    expect(custom({ 'X-HOOK-KEY': K1 }).ok).toBe(true);
    expect(custom({ 'X-Hook-Key': [K1] }).ok).toBe(true);
    expect(custom({ 'x-api-key': K1 })).toEqual({ ok: false, reason: 'missing x-hook-key header' });
  });
});
