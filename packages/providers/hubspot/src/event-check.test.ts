import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainValidEvent } from './event-check.js';
import { EVENT_FIELD_LIMITS, PLAIN_RULES, eventSchema, parseWebhookBatch } from './events.js';

const RULES = PLAIN_RULES;

const real = {
  eventId: 1030198139,
  subscriptionId: 4578255,
  portalId: 242711451,
  appId: 19635961,
  occurredAt: 1769081993375,
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId: 267448862446,
  changeSource: 'CRM_UI',
  sourceId: 'userId:52530071',
  propertyName: 'email',
  propertyValue: 'jane@example.com',
};

// Values at and around every limit and type the schema checks, wrong types included.
const number = fc.oneof(
  fc.constantFrom(
    0,
    1,
    -1,
    0.5,
    2 ** 53 - 1,
    2 ** 53,
    Number.MAX_VALUE,
    RULES.minOccurredAt - 1,
    RULES.minOccurredAt,
    RULES.maxOccurredAt - 1,
    RULES.maxOccurredAt,
  ),
  fc.integer({ min: -10, max: 2 ** 40 }),
);
const text = (max: number) =>
  fc.oneof(fc.constantFrom('', '0-1', '2-123', '0-', 'a-1', 'x'.repeat(max), 'x'.repeat(max + 1), 'é'.repeat(max)), fc.string({ maxLength: max + 2 }));
const anyValue = (inner: fc.Arbitrary<unknown>) => fc.oneof(inner, fc.constantFrom(undefined, null, true, '5', 5, [], {}));

const fields = {
  eventId: anyValue(number),
  subscriptionId: anyValue(number),
  portalId: anyValue(number),
  appId: anyValue(number),
  occurredAt: anyValue(number),
  subscriptionType: anyValue(text(EVENT_FIELD_LIMITS.subscriptionType)),
  attemptNumber: anyValue(number),
  objectId: anyValue(number),
  objectTypeId: anyValue(text(EVENT_FIELD_LIMITS.objectTypeId)),
  changeSource: anyValue(text(EVENT_FIELD_LIMITS.changeSource)),
  changeFlag: anyValue(text(EVENT_FIELD_LIMITS.changeFlag)),
  sourceId: anyValue(text(EVENT_FIELD_LIMITS.sourceId)),
  propertyName: anyValue(text(EVENT_FIELD_LIMITS.propertyName)),
  propertyValue: anyValue(text(64)),
};

/** Mostly a real event with a few fields changed, so that valid events are common too. */
const events = fc
  .record(
    Object.fromEntries(
      Object.entries(fields).map(([k, arb]) => [
        k,
        fc.oneof({ arbitrary: fc.constant(real[k as keyof typeof real] as unknown), weight: 8 }, { arbitrary: arb, weight: 1 }),
      ]),
    ),
  )
  .map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as Record<string, unknown>);

describe('isPlainValidEvent', () => {
  it('never calls an event valid that the zod schema refuses or changes', () => {
    let plain = 0;
    fc.assert(
      fc.property(events, (e) => {
        if (!isPlainValidEvent(e, RULES)) return;
        plain++;
        const parsed = eventSchema.safeParse(e);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toStrictEqual(e);
      }),
      { numRuns: 20_000 },
    );
    // The property is not vacuous: many generated events took the plain path.
    expect(plain).toBeGreaterThan(4000);
  });

  it('takes the plain path for real deliveries, and leaves null optionals and long values to zod', () => {
    expect(isPlainValidEvent(real, RULES)).toBe(true);
    expect(isPlainValidEvent({ ...real, propertyValue: null, objectTypeId: '2-143967026', extra: [1] }, RULES)).toBe(true);
    expect(isPlainValidEvent({ ...real, subscriptionId: null }, RULES)).toBe(false);
    expect(isPlainValidEvent({ ...real, propertyValue: 'x'.repeat(400_000) }, RULES)).toBe(false);
  });

  it('keeps the field order HubSpot sent on the plain path; zod still answers the refusals', () => {
    const { eventId, ...rest } = real;
    const r = parseWebhookBatch([{ ...rest, eventId }], { maxEvents: 10 });
    expect(r.ok && Object.keys(r.events[0] ?? {}).at(-1)).toBe('eventId');
    const bad = parseWebhookBatch([{ ...real, subscriptionId: null, portalId: -1 }], { maxEvents: 10 });
    expect(bad).toEqual({ ok: false, message: 'event[0].portalId: expected a non-negative integer' });
  });
});
