import type { AuthConfigOf } from './schema.js';
import { readHeader } from './read-header.js';
import { SecretSet } from './secret-set.js';
import type { Verifier } from './verifier.js';

/** A static key in a header of its own; several keys are accepted so they can be rotated. */
export function apiKeyVerifier(auth: AuthConfigOf<'api_key'>): Verifier {
  const keys = new SecretSet(auth.keys);
  const header = auth.header;
  return ({ headers }) => {
    const given = readHeader(headers, header);
    if (given.kind === 'absent') return { ok: false, reason: `missing ${header} header` };
    if (given.kind === 'many') return { ok: false, reason: `multiple ${header} headers` };
    const keyIndex = keys.indexOf(given.value);
    return keyIndex === -1 ? { ok: false, reason: 'invalid api key' } : { ok: true, method: 'api_key', keyIndex };
  };
}
