import { createHmac, createSecretKey } from 'node:crypto';
import { readHeader } from './read-header.js';
import type { AuthConfigOf } from './schema.js';
import { digestsEqual } from './secret-set.js';
import type { Verifier } from './verifier.js';

/** HMAC of the raw body bytes in a header, optionally behind a prefix such as `sha256=`. */
export function hmacVerifier(auth: AuthConfigOf<'hmac'>): Verifier {
  // A KeyObject is built once; createHmac with a string key would re-import it per request.
  const key = createSecretKey(Buffer.from(auth.secret, 'utf8'));
  const { header, algorithm, encoding } = auth;
  const prefix = auth.prefix ?? '';
  return ({ headers, rawBody }) => {
    const given = readHeader(headers, header);
    if (given.kind === 'absent') return { ok: false, reason: `missing ${header} header` };
    if (given.kind === 'many') return { ok: false, reason: `multiple ${header} headers` };
    if (!given.value.startsWith(prefix)) return { ok: false, reason: `signature does not start with ${prefix}` };
    const digest = createHmac(algorithm, key).update(rawBody).digest();
    return digestsEqual(normalise(given.value.slice(prefix.length), encoding), normalise(digest.toString(encoding), encoding))
      ? { ok: true, method: 'hmac' }
      : { ok: false, reason: 'signature mismatch' };
  };
}

/** Hex is case-insensitive and base64 padding optional: neither changes the digest. */
function normalise(text: string, encoding: 'hex' | 'base64'): string {
  return encoding === 'hex' ? text.toLowerCase() : text.replace(/=+$/, '');
}
