/**
 * The ledger's eventId and idempotency key of a deal event: one row per (deal, status), so a
 * redelivery, a retry or a second `deal_updated` with the same status is a no-op, and each
 * status's actions fire once. A status has no ':', so the key reads back unambiguously.
 */
export const dealEventKey = (dealId: string, status: string): string => `${dealId}:${status}`;

/** One deal's events share a partition and stay in order. */
export const dealKafkaKey = (source: string, dealId: string): string => `${source}:${dealId}`;
