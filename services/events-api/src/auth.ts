import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Bearer <token>` against the configured tokens and answers the value
 * (the token's scope) of the one that matched, or undefined. Both sides are hashed first so the
 * comparison is constant-time and length-independent, and every configured token is compared
 * (no early exit) so timing does not reveal which one matched.
 */
export function createBearerCheck<T>(entries: ReadonlyArray<{ token: string; value: T }>): (authorization: string | undefined) => T | undefined {
  const digests = entries.map((e) => ({ digest: sha256(e.token), value: e.value }));
  return (authorization) => {
    const m = /^Bearer +([^\s]+) *$/i.exec(authorization ?? '');
    if (!m?.[1]) return undefined;
    const given = sha256(m[1]);
    let matched: T | undefined;
    for (const d of digests) {
      // A select, not an early return: the loop's length is the same whichever token matched.
      // Equal tokens carry equal scopes (config refuses otherwise), so the last match is as good as any.
      const same = timingSafeEqual(given, d.digest);
      matched = same ? d.value : matched;
    }
    return matched;
  };
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
