/** Events per delivery when a source does not say; the edge's own default (EDGE_MAX_EVENTS). */
export const DEFAULT_MAX_EVENTS = 1000;
export const MAX_MAX_EVENTS = 100_000;
/**
 * The ledger's column sizes (events.type 128, idempotency_key and event_id 255, tenant 128,
 * subject 255): longer values are refused rather than truncated. Characters, as VARCHAR counts
 * them in utf8mb4; a JavaScript length (UTF-16 units) is never smaller.
 */
export const MAX_EVENT_TYPE_LENGTH = 100;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
export const MAX_TENANT_LENGTH = 128;
export const MAX_SUBJECT_LENGTH = 255;
/** A flood of bad events must not become a flood of error text: at most this many are reported. */
export const MAX_REPORTED_ERRORS = 100;
/** occurredAt outside [1970, 2100) is garbage or a unit mistake, not a date. */
export const MIN_OCCURRED_AT = 0;
export const MAX_OCCURRED_AT = Date.UTC(2100, 0, 1);
