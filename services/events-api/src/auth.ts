import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Bearer <token>` against the configured tokens. Both sides are hashed
 * first so the comparison is constant-time and length-independent, and every configured token
 * is compared (no early exit) so timing does not reveal which one matched.
 */
export function createBearerCheck(tokens: readonly string[]): (authorization: string | undefined) => boolean {
  const digests = tokens.map(sha256);
  return (authorization) => {
    const m = /^Bearer +([^\s]+) *$/i.exec(authorization ?? '');
    if (!m?.[1]) return false;
    const given = sha256(m[1]);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(given, d) || ok;
    return ok;
  };
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
