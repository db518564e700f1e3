import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenCipher, parseEncryptionKey } from './cipher.js';
import { TokenCipherError } from './errors.js';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('hex');

describe('token cipher', () => {
  it('round-trips, with a fresh IV per value and no plaintext in the output', () => {
    const c = createTokenCipher({ key: keyA });
    const a = c.seal('na1-secret-refresh', 'refresh:1');
    const b = c.seal('na1-secret-refresh', 'refresh:1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(c.keyIdOf(a)).toBe(c.keyId);
    expect(c.open(a, 'refresh:1')).toBe('na1-secret-refresh');
  });

  it('refuses a value moved to another row or column, or altered', () => {
    const c = createTokenCipher({ key: keyA });
    const sealed = c.seal('tok', 'refresh:1');
    expect(() => c.open(sealed, 'refresh:2')).toThrowError(TokenCipherError);
    expect(() => c.open(sealed, 'access:1')).toThrowError(/failed authentication/);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tox').toString('base64url');
    expect(() => c.open(parts.join('.'), 'refresh:1')).toThrowError(/failed authentication/);
  });

  it('rotates: the new key seals, the previous key still opens old values, an unknown key is named', () => {
    const old = createTokenCipher({ key: keyA });
    const sealedOld = old.seal('tok', 'ctx');
    const rotated = createTokenCipher({ key: keyB, previousKeys: [keyA] });
    expect(rotated.keyId).not.toBe(old.keyId);
    expect(rotated.open(sealedOld, 'ctx')).toBe('tok');
    expect(rotated.keyIdOf(rotated.seal('tok', 'ctx'))).toBe(rotated.keyId);
    const withoutOld = createTokenCipher({ key: keyB });
    expect(() => withoutOld.open(sealedOld, 'ctx')).toThrowError(expect.objectContaining({ code: 'TOKEN_KEY_UNKNOWN' }));
  });

  it('accepts 32-byte keys as base64 or hex only', () => {
    expect(parseEncryptionKey(keyA)).toHaveLength(32);
    expect(parseEncryptionKey(keyB)).toHaveLength(32);
    expect(() => parseEncryptionKey('short')).toThrowError(expect.objectContaining({ code: 'TOKEN_KEY_INVALID' }));
    expect(() => parseEncryptionKey(randomBytes(16).toString('base64'))).toThrowError(TokenCipherError);
  });
});
