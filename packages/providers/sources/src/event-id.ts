import { createHash } from 'node:crypto';

/**
 * A UUID (RFC 9562 version 8, name-based by SHA-256) for the event: the same source and
 * idempotency key always give the same id, so a redelivered event keeps its id through Kafka
 * and the store, and two sources can never collide.
 */
export function eventIdOf(sourceName: string, idempotencyKey: string): string {
  const h = createHash('sha256').update(sourceName).update('\u0000').update(idempotencyKey).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x80;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const hex = h.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
