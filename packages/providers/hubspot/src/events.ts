import { z } from 'zod';
import { isPlainValidEvent, type PlainEventRules } from './event-check.js';
import { findUnstorable } from './storable.js';

export interface HubSpotEvent {
  eventId: number;
  /** Absent in some captured association events; stored as 0 (see README). */
  subscriptionId?: number;
  portalId: number;
  appId?: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  objectTypeId?: string;
  changeSource?: string;
  changeFlag?: string;
  sourceId?: string;
  propertyName?: string;
  /** Always a string from HubSpot ("REDACTED" for sensitive properties); null is tolerated. */
  propertyValue?: string | null;
  [extra: string]: unknown;
}

export type BatchParse = { ok: true; events: HubSpotEvent[] } | { ok: false; message: string };

/** Column limits of the events table; a longer value could not be stored unchanged. */
export const EVENT_FIELD_LIMITS = {
  subscriptionType: 100,
  propertyName: 255,
  changeSource: 64,
  changeFlag: 64,
  objectTypeId: 32,
  sourceId: 255,
  propertyValueBytes: 1_048_576,
} as const;

// occurredAt outside this range is almost certainly seconds instead of ms, or garbage.
const MIN_OCCURRED_AT = Date.UTC(2000, 0, 1);
const MAX_OCCURRED_AT = Date.UTC(2100, 0, 1);

const requiredOr = (message: string) => (iss: { input: unknown }) => (iss.input === undefined ? 'required field is missing' : message);

const NON_NEG_INT = 'expected a non-negative integer';
const nonNegativeInt = () =>
  z
    .number({ error: requiredOr(NON_NEG_INT) })
    // HubSpot ids exceed 2^31 but stay below 2^53; beyond that JSON.parse already lost digits.
    .refine((n) => Number.isSafeInteger(n) && n >= 0, { error: NON_NEG_INT, abort: true });

const boundedString = (max: number) => {
  const message = `expected a string of at most ${max} characters`;
  return z.string({ error: requiredOr(message) }).max(max, { error: message });
};

/** null on an optional field is read as "absent" rather than failing the whole batch. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema.optional());

/** Exported for event-check.test.ts, which holds the hand check to it. */
export const eventSchema = z.looseObject({
  eventId: nonNegativeInt(),
  // Optional: a captured HubSpot deal.associationChange had none, and refusing a real
  // delivery makes HubSpot retry it for 24 h and then drop it.
  subscriptionId: optional(nonNegativeInt()),
  portalId: nonNegativeInt(),
  appId: optional(nonNegativeInt()),
  occurredAt: nonNegativeInt().refine((n) => n >= MIN_OCCURRED_AT && n < MAX_OCCURRED_AT, {
    error: 'expected epoch milliseconds between 2000 and 2100',
  }),
  subscriptionType: boundedString(EVENT_FIELD_LIMITS.subscriptionType).min(1, { error: 'expected a non-empty string' }),
  attemptNumber: nonNegativeInt(),
  objectId: nonNegativeInt(),
  objectTypeId: optional(
    boundedString(EVENT_FIELD_LIMITS.objectTypeId).regex(/^\d+-\d+$/, {
      error: 'expected an object type id like "0-1" or "2-123"',
    }),
  ),
  changeSource: optional(boundedString(EVENT_FIELD_LIMITS.changeSource)),
  changeFlag: optional(boundedString(EVENT_FIELD_LIMITS.changeFlag)),
  sourceId: optional(boundedString(EVENT_FIELD_LIMITS.sourceId)),
  propertyName: optional(boundedString(EVENT_FIELD_LIMITS.propertyName)),
  propertyValue: z
    .string({ error: 'expected a string or null' })
    .refine((s) => s.length <= EVENT_FIELD_LIMITS.propertyValueBytes && Buffer.byteLength(s, 'utf8') <= EVENT_FIELD_LIMITS.propertyValueBytes, {
      error: 'expected at most 1 MiB of text',
    })
    .nullable()
    .optional(),
});

const MAX_REPORTED_ISSUES = 5;

/** Exported for event-check.test.ts: the hand check's rules are these limits, not a copy. */
export const PLAIN_RULES: PlainEventRules = { limits: EVENT_FIELD_LIMITS, minOccurredAt: MIN_OCCURRED_AT, maxOccurredAt: MAX_OCCURRED_AT };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates a decoded webhook body: a JSON array of 1..maxEvents events. Unknown fields are
 * kept (HubSpot adds fields for merges, associations, conversations and generic objects) and
 * unknown subscription types pass, so new HubSpot features never bounce a delivery.
 */
export function parseWebhookBatch(json: unknown, opts: { maxEvents: number }): BatchParse {
  if (!Array.isArray(json)) return { ok: false, message: 'expected a JSON array of events' };
  if (json.length === 0) return { ok: false, message: 'expected at least one event' };
  if (json.length > opts.maxEvents) {
    return { ok: false, message: `batch has ${json.length} events, more than the maximum of ${opts.maxEvents}` };
  }
  const events: HubSpotEvent[] = [];
  const problems: string[] = [];
  for (let i = 0; i < json.length; i++) {
    if (problems.length >= MAX_REPORTED_ISSUES) break;
    const item: unknown = json[i];
    if (!isPlainObject(item)) {
      problems.push(`event[${i}]: expected an object`);
      continue;
    }
    // The 2016 docs name the field eventType; every real payload says subscriptionType.
    let candidate = item.subscriptionType === undefined && typeof item.eventType === 'string' ? { ...item, subscriptionType: item.eventType } : item;
    // Association events are documented with fromObjectId/toObjectId, and at least one captured
    // deal.associationChange has no objectId: the event belongs to its "from" object.
    if (candidate.objectId === undefined && typeof candidate.fromObjectId === 'number') {
      candidate = { ...candidate, objectId: candidate.fromObjectId };
    }
    // The plain case skips zod (see event-check.ts), and keeps the event's own field order.
    const plain = isPlainValidEvent(candidate, PLAIN_RULES);
    const parsed = plain ? { success: true as const, data: candidate } : eventSchema.safeParse(candidate);
    if (parsed.success) {
      const unstorable = findUnstorable(parsed.data);
      if (unstorable) problems.push(`event[${i}].${unstorable}`);
      else events.push(parsed.data as HubSpotEvent);
      continue;
    }
    for (const issue of parsed.error.issues) {
      if (problems.length >= MAX_REPORTED_ISSUES) break;
      const field = issue.path.map(String).join('.');
      problems.push(`event[${i}]${field === '' ? '' : `.${field}`}: ${issue.message}`);
    }
  }
  if (problems.length > 0) return { ok: false, message: problems.join('; ') };
  return { ok: true, events };
}
