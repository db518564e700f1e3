import { describe, expect, it } from 'vitest';
import { parseWebhookBatch } from './events.js';

const contactCreation = {
  eventId: 1,
  subscriptionId: 12345,
  portalId: 62515,
  occurredAt: 1564113600000,
  subscriptionType: 'contact.creation',
  attemptNumber: 0,
  objectId: 123,
  changeSource: 'CRM',
  changeFlag: 'NEW',
  appId: 54321,
};
const dealCreation = {
  eventId: 1030198139,
  subscriptionId: 4578255,
  portalId: 242711451,
  appId: 19635961,
  occurredAt: 1769081993375,
  subscriptionType: 'deal.creation',
  attemptNumber: 0,
  objectId: 267448862446,
  changeFlag: 'CREATED',
  changeSource: 'CRM_UI',
  sourceId: 'userId:52530071',
};
const objectDeletion = {
  eventId: 3771921218,
  subscriptionId: 3849707,
  portalId: 145883449,
  appId: 14947547,
  occurredAt: 1751277051514,
  subscriptionType: 'object.deletion',
  attemptNumber: 0,
  objectId: 180584432881,
  objectTypeId: '2-143967026',
  changeFlag: 'DELETED',
  changeSource: 'CRM_UI_BULK_ACTION',
  sourceId: 'userId:75514748',
};

const parse = (json: unknown, maxEvents = 100) => parseWebhookBatch(json, { maxEvents });
const message = (json: unknown, maxEvents = 100) => {
  const r = parse(json, maxEvents);
  if (r.ok) throw new Error('expected a failure');
  return r.message;
};

describe('parseWebhookBatch', () => {
  it('accepts the real payloads, including ids above 2^31', () => {
    const r = parse([contactCreation, dealCreation, objectDeletion]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events).toHaveLength(3);
    expect(r.events[1]?.objectId).toBe(267448862446);
    expect(r.events[2]?.objectTypeId).toBe('2-143967026');
  });

  it('keeps unknown fields (merge, association, sensitivity) and unknown subscription types', () => {
    const merge = { ...contactCreation, subscriptionType: 'contact.merge', primaryObjectId: 5, mergedObjectIds: [6, 7], newObjectId: 8 };
    const future = { ...contactCreation, subscriptionType: 'quote.somethingNew', isSensitive: false };
    const r = parse([merge, future]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events[0]).toMatchObject({ primaryObjectId: 5, mergedObjectIds: [6, 7], newObjectId: 8 });
    expect(r.events[1]).toMatchObject({ subscriptionType: 'quote.somethingNew', isSensitive: false });
  });

  it('reads the legacy eventType field as subscriptionType', () => {
    const { subscriptionType: _drop, ...legacy } = contactCreation;
    const r = parse([{ ...legacy, eventType: 'contact.propertyChange' }]);
    expect(r.ok && r.events[0]?.subscriptionType).toBe('contact.propertyChange');
  });

  it('prefers subscriptionType when both are present', () => {
    const r = parse([{ ...contactCreation, eventType: 'contact.deletion' }]);
    expect(r.ok && r.events[0]?.subscriptionType).toBe('contact.creation');
  });

  it('rejects non-arrays, empty and oversized batches', () => {
    expect(message({ events: [] })).toBe('expected a JSON array of events');
    expect(message([])).toBe('expected at least one event');
    expect(message([contactCreation, contactCreation, contactCreation], 2)).toBe('batch has 3 events, more than the maximum of 2');
  });

  it('names the item and field that failed', () => {
    const bad = [contactCreation, contactCreation, contactCreation, { ...contactCreation, objectId: -1 }];
    expect(message(bad)).toBe('event[3].objectId: expected a non-negative integer');
    expect(message([{ ...contactCreation, objectId: '123' }])).toBe('event[0].objectId: expected a non-negative integer');
    expect(message([{ ...contactCreation, eventId: 1.5 }])).toBe('event[0].eventId: expected a non-negative integer');
    expect(message([{ ...contactCreation, portalId: 2 ** 53 }])).toBe('event[0].portalId: expected a non-negative integer');
    expect(message([42])).toBe('event[0]: expected an object');
  });

  it('reports missing required fields', () => {
    const { attemptNumber: _drop, ...noAttempt } = contactCreation;
    expect(message([noAttempt])).toBe('event[0].attemptNumber: required field is missing');
    const { subscriptionType: _drop2, ...noType } = contactCreation;
    expect(message([noType])).toBe('event[0].subscriptionType: required field is missing');
  });

  it('accepts an event without subscriptionId, as in a captured association change', () => {
    const { subscriptionId: _drop, ...noSubscription } = contactCreation;
    const r = parseWebhookBatch([{ ...noSubscription, subscriptionType: 'deal.associationChange' }], { maxEvents: 100 });
    expect(r.ok).toBe(true);
    expect(r.ok && r.events[0]?.subscriptionId).toBeUndefined();
    expect(message([{ ...contactCreation, subscriptionId: 'x' }])).toMatch(/^event\[0\]\.subscriptionId: /);
  });

  it('rejects occurredAt in seconds instead of milliseconds', () => {
    expect(message([{ ...contactCreation, occurredAt: 1564113600 }])).toBe('event[0].occurredAt: expected epoch milliseconds between 2000 and 2100');
  });

  it('enforces string limits that match the database columns', () => {
    expect(message([{ ...contactCreation, subscriptionType: 'x'.repeat(101) }])).toBe('event[0].subscriptionType: expected a string of at most 100 characters');
    expect(message([{ ...contactCreation, changeSource: 'x'.repeat(65) }])).toBe('event[0].changeSource: expected a string of at most 64 characters');
    expect(message([{ ...contactCreation, propertyName: 'p'.repeat(256) }])).toBe('event[0].propertyName: expected a string of at most 255 characters');
    expect(message([{ ...objectDeletion, objectTypeId: 'contacts' }])).toBe('event[0].objectTypeId: expected an object type id like "0-1" or "2-123"');
    expect(parse([{ ...contactCreation, propertyName: 'p'.repeat(255) }]).ok).toBe(true);
  });

  it('accepts propertyValue as a string up to 1 MiB or null, nothing else', () => {
    const change = { ...contactCreation, subscriptionType: 'contact.propertyChange', propertyName: 'firstname' };
    expect(parse([{ ...change, propertyValue: 'a'.repeat(1_048_576) }]).ok).toBe(true);
    const nul = parse([{ ...change, propertyValue: null }]);
    expect(nul.ok && nul.events[0]?.propertyValue).toBe(null);
    // 524,289 two-byte characters are 1 MiB + 2 bytes.
    expect(message([{ ...change, propertyValue: 'ä'.repeat(524_289) }])).toBe('event[0].propertyValue: expected at most 1 MiB of text');
    expect(message([{ ...change, propertyValue: 5 }])).toBe('event[0].propertyValue: expected a string or null');
  });

  it('reads null on other optional fields as absent', () => {
    const r = parse([{ ...contactCreation, changeFlag: null, appId: null }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events[0]?.changeFlag).toBeUndefined();
    expect(r.events[0]?.appId).toBeUndefined();
  });

  it('lists several problems at once, capped', () => {
    const bad = Array.from({ length: 10 }, () => ({ ...contactCreation, objectId: -1 }));
    const m = message(bad);
    expect(m.split('; ')).toHaveLength(5);
    expect(m.startsWith('event[0].objectId')).toBe(true);
  });
});

describe('parseWebhookBatch field messages', () => {
  it('reports one problem per bad field', () => {
    const r = parseWebhookBatch([{ ...contactCreation, occurredAt: -5 }], { maxEvents: 100 });
    expect(r).toEqual({ ok: false, message: 'event[0].occurredAt: expected a non-negative integer' });
  });
});
