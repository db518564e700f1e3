import { readAuthorization } from './authorization.js';
import type { AuthConfigOf } from './schema.js';
import { SecretSet } from './secret-set.js';
import type { Verifier } from './verifier.js';

/** `Authorization: Bearer <token>`; several tokens are accepted so they can be rotated. */
export function bearerVerifier(auth: AuthConfigOf<'bearer'>): Verifier {
  const tokens = new SecretSet(auth.tokens);
  return ({ headers }) => {
    const read = readAuthorization(headers, 'bearer');
    if (!read.ok) return read;
    const keyIndex = tokens.indexOf(read.credentials);
    return keyIndex === -1 ? { ok: false, reason: 'invalid bearer token' } : { ok: true, method: 'bearer', keyIndex };
  };
}
