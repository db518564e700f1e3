import { readAuthorization } from './authorization.js';
import type { AuthConfigOf } from './schema.js';
import { SecretSet } from './secret-set.js';
import type { Verifier } from './verifier.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** `Authorization: Basic base64(user:pass)` against one configured pair. */
export function basicVerifier(auth: AuthConfigOf<'basic'>): Verifier {
  // Compared as decoded bytes: senders differ in base64 padding, never in the pair itself.
  const expected = new SecretSet([Buffer.from(`${auth.username}:${auth.password}`, 'utf8')]);
  return ({ headers }) => {
    const read = readAuthorization(headers, 'basic');
    if (!read.ok) return read;
    if (!BASE64.test(read.credentials)) return { ok: false, reason: 'malformed basic credentials' };
    return expected.indexOf(Buffer.from(read.credentials, 'base64')) === 0
      ? { ok: true, method: 'basic' }
      : { ok: false, reason: 'invalid username or password' };
  };
}
