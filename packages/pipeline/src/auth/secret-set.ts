import { hash, timingSafeEqual } from 'node:crypto';

// One-shot: about half the cost of createHash().update().digest() on this hot path.
const sha256 = (data: string | Buffer): Buffer => hash('sha256', data, 'buffer');

/**
 * A set of accepted secrets, matched in constant time. Both sides are reduced to SHA-256
 * digests, so timingSafeEqual always compares 32 bytes and neither a secret's length nor how
 * much of it a guess got right shows in the timing. Every secret is compared, even after a
 * match, so the timing does not tell which one matched either.
 */
export class SecretSet {
  private readonly digests: readonly Buffer[];

  constructor(secrets: ReadonlyArray<string | Buffer>) {
    this.digests = secrets.map(sha256);
  }

  /** Index of the matching secret, or -1. */
  indexOf(candidate: string | Buffer): number {
    const given = sha256(candidate);
    let found = -1;
    for (let i = 0; i < this.digests.length; i++) {
      const digest = this.digests[i] as Buffer;
      if (timingSafeEqual(given, digest) && found === -1) found = i;
    }
    return found;
  }
}

/** Constant-time equality of two computed values (a digest against what the sender claims). */
export function digestsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}
