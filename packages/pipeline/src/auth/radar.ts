import { createHmac, createSecretKey } from 'node:crypto';
import { readHeader } from './read-header.js';
import type { AuthConfigOf } from './schema.js';
import { digestsEqual } from './secret-set.js';
import type { Verifier } from './verifier.js';

export const RADAR_SIGNATURE_HEADER = 'x-radar-signature';
export const RADAR_SIGNING_ID_HEADER = 'x-radar-signing-id';
const HEX = /^[0-9a-f]+$/;

/**
 * Radar's webhook signature: `X-Radar-Signature` = HMAC-SHA1 of the `X-Radar-Signing-Id`
 * header's value, keyed with the webhook's token, as lowercase hex (what public receivers
 * compare; Radar does not state the encoding, so upper case is accepted too). It does not cover
 * the body: pair it with TLS, and with an API key in front where a gateway can add one.
 */
export function radarVerifier(auth: AuthConfigOf<'radar'>): Verifier {
  const keys = auth.tokens.map((t) => createSecretKey(Buffer.from(t, 'utf8')));
  return ({ headers }) => {
    const id = readHeader(headers, RADAR_SIGNING_ID_HEADER);
    if (id.kind === 'absent') return { ok: false, reason: `missing ${RADAR_SIGNING_ID_HEADER} header` };
    if (id.kind === 'many') return { ok: false, reason: `multiple ${RADAR_SIGNING_ID_HEADER} headers` };
    const given = readHeader(headers, RADAR_SIGNATURE_HEADER);
    if (given.kind === 'absent') return { ok: false, reason: `missing ${RADAR_SIGNATURE_HEADER} header` };
    if (given.kind === 'many') return { ok: false, reason: `multiple ${RADAR_SIGNATURE_HEADER} headers` };
    const signature = given.value.toLowerCase();
    if (!HEX.test(signature)) return { ok: false, reason: 'signature is not hex' };
    // Every token is tried (no early exit), so the answer's time does not say which one matched.
    let matched = -1;
    keys.forEach((key, i) => {
      const digest = createHmac('sha1', key).update(id.value, 'utf8').digest('hex');
      if (digestsEqual(signature, digest) && matched === -1) matched = i;
    });
    return matched === -1 ? { ok: false, reason: 'signature mismatch' } : { ok: true, method: 'radar', keyIndex: matched };
  };
}
