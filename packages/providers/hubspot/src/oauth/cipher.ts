import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { TokenCipherError } from './errors.js';

/**
 * Seals OAuth tokens for storage: AES-256-GCM, a random 96-bit IV per value, and the row's
 * identity (e.g. `refresh:62515`) as additional authenticated data, so a ciphertext copied
 * into another row or column fails to open. The key id travels inside the sealed value;
 * older keys stay usable for reading while every new write uses the current key, which is
 * how keys rotate without a migration.
 *
 * Format: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts).
 */
export interface TokenCipher {
  /** Id of the key new values are sealed with (8 hex chars of a hash of the key, not secret). */
  readonly keyId: string;
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
  /** The key id a sealed value names, or undefined if it is not in our format. */
  keyIdOf(sealed: string): string | undefined;
}

export interface TokenCipherOptions {
  /** 32 bytes as base64 (44 chars) or hex (64 chars). */
  key: string;
  /** Keys that only decrypt (rotation): values sealed with them still open. */
  previousKeys?: readonly string[];
}

const VERSION = 'v1';

/** 32 raw bytes from a base64 or hex string; throws a TokenCipherError naming the problem. */
export function parseEncryptionKey(text: string): Buffer {
  const s = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(s)) key = Buffer.from(s, 'hex');
  else if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(s)) key = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key?.length !== 32) {
    throw new TokenCipherError('TOKEN_KEY_INVALID', 'must be 32 bytes, written as 64 hex characters or base64 (e.g. `openssl rand -base64 32`)');
  }
  return key;
}

export function keyIdFor(key: Buffer): string {
  return createHash('sha256').update('hookstream-token-key:').update(key).digest('hex').slice(0, 8);
}

export function createTokenCipher(opts: TokenCipherOptions): TokenCipher {
  const current = parseEncryptionKey(opts.key);
  const keyId = keyIdFor(current);
  const keys = new Map<string, Buffer>([[keyId, current]]);
  for (const k of opts.previousKeys ?? []) {
    const buf = parseEncryptionKey(k);
    const id = keyIdFor(buf);
    if (!keys.has(id)) keys.set(id, buf);
  }

  const parts = (sealed: string) => {
    const p = sealed.split('.');
    if (p.length !== 5 || p[0] !== VERSION) return undefined;
    const [, id, iv, ct, tag] = p as [string, string, string, string, string];
    return { id, iv: Buffer.from(iv, 'base64url'), ct: Buffer.from(ct, 'base64url'), tag: Buffer.from(tag, 'base64url') };
  };

  return {
    keyId,
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, keyId, iv.toString('base64url'), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, context) {
      const p = parts(sealed);
      if (!p) throw new TokenCipherError('TOKEN_FORMAT', 'stored token is not in the sealed format');
      const key = keys.get(p.id);
      if (!key)
        throw new TokenCipherError(
          'TOKEN_KEY_UNKNOWN',
          `stored token was sealed with key ${p.id}, which is not configured (TOKEN_ENCRYPTION_KEY / TOKEN_ENCRYPTION_PREVIOUS_KEYS)`,
        );
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, p.iv);
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(p.tag);
        return Buffer.concat([decipher.update(p.ct), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new TokenCipherError('TOKEN_DECRYPT_FAILED', 'stored token failed authentication (wrong key, or the value was altered or moved)', { cause });
      }
    },
    keyIdOf: (sealed) => parts(sealed)?.id,
  };
}
