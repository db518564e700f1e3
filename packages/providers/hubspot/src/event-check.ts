import type { EVENT_FIELD_LIMITS } from './events.js';

/**
 * The common case of events.ts's schema, checked by hand: a HubSpot event whose fields are all
 * plainly valid. zod's parse costs about 8 µs per event, two thirds of the edge's work on a
 * 100-event delivery; this check costs well under one. It only ever says "certainly valid":
 * anything it is unsure of (a null optional field, a long property value, a failure of any kind)
 * goes to the zod schema, which stays the one definition of what is refused and how the 400
 * words it. A property test holds the two together (event-check.test.ts).
 */

export interface PlainEventRules {
  limits: typeof EVENT_FIELD_LIMITS;
  minOccurredAt: number;
  maxOccurredAt: number;
}

const OBJECT_TYPE_ID = /^\d+-\d+$/;

const isId = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** Absent, or a valid id; null is zod's business (it reads it as absent). */
const isOptionalId = (v: unknown): boolean => v === undefined || isId(v);
const isOptionalString = (v: unknown, max: number): boolean => v === undefined || (typeof v === 'string' && v.length <= max);

/** True only when the zod schema would accept the event unchanged. */
export function isPlainValidEvent(e: Record<string, unknown>, rules: PlainEventRules): boolean {
  const { limits } = rules;
  const occurredAt = e.occurredAt;
  const type = e.subscriptionType;
  const objectTypeId = e.objectTypeId;
  return (
    isId(e.eventId) &&
    isId(e.portalId) &&
    isId(e.attemptNumber) &&
    isId(e.objectId) &&
    isId(occurredAt) &&
    (occurredAt as number) >= rules.minOccurredAt &&
    (occurredAt as number) < rules.maxOccurredAt &&
    typeof type === 'string' &&
    type.length >= 1 &&
    type.length <= limits.subscriptionType &&
    isOptionalId(e.subscriptionId) &&
    isOptionalId(e.appId) &&
    (objectTypeId === undefined || (typeof objectTypeId === 'string' && objectTypeId.length <= limits.objectTypeId && OBJECT_TYPE_ID.test(objectTypeId))) &&
    isOptionalString(e.changeSource, limits.changeSource) &&
    isOptionalString(e.changeFlag, limits.changeFlag) &&
    isOptionalString(e.sourceId, limits.sourceId) &&
    isOptionalString(e.propertyName, limits.propertyName) &&
    isPlainPropertyValue(e.propertyValue, limits.propertyValueBytes)
  );
}

/**
 * UTF-8 takes at most 3 bytes per UTF-16 unit, so a string of up to a third of the byte limit
 * in units is within it without counting its bytes; a longer one is left to zod.
 */
function isPlainPropertyValue(v: unknown, maxBytes: number): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.length <= Math.floor(maxBytes / 3));
}
