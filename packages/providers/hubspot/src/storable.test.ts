import { describe, expect, it } from 'vitest';
import { parseWebhookBatch } from './events.js';
import { findUnstorable, MAX_EVENT_DEPTH } from './storable.js';

const event = (extra: Record<string, unknown> = {}) => ({
  eventId: 1,
  subscriptionId: 2,
  portalId: 62515,
  occurredAt: 1_769_000_000_000,
  subscriptionType: 'contact.creation',
  attemptNumber: 0,
  objectId: 10,
  ...extra,
});

describe('findUnstorable', () => {
  it('accepts what real events look like: nesting within the limit and paired surrogates (emoji)', () => {
    let nested: unknown = 'leaf 😀';
    // The event object is level 1, so MAX_EVENT_DEPTH - 1 arrays inside it are the deepest allowed.
    for (let i = 0; i < MAX_EVENT_DEPTH - 1; i++) nested = [nested];
    expect(findUnstorable(event({ nested }))).toBeNull();
    expect(findUnstorable(event({ nested: [nested] }))).toMatch(/nested deeper than/);
    expect(findUnstorable({ ['k\udc00']: 1 })).toMatch(/field name contains an unpaired/);
  });
});

describe('parseWebhookBatch refuses what the database cannot store', () => {
  it('names the event and the path', () => {
    const r = parseWebhookBatch([event(), event({ propertyName: 'firstname', propertyValue: '\ud800x' })], { maxEvents: 100 });
    expect(r).toEqual({ ok: false, message: 'event[1].propertyValue: contains an unpaired UTF-16 surrogate' });
    const deep = JSON.parse(`[${JSON.stringify(event()).slice(0, -1)},"extra":${'['.repeat(5_000)}${']'.repeat(5_000)}}]`) as unknown;
    const d = parseWebhookBatch(deep, { maxEvents: 100 });
    expect(d.ok).toBe(false);
    expect(!d.ok && d.message).toMatch(/^event\[0\]\.extra(\[0\])+: nested deeper than/);
  });
});
