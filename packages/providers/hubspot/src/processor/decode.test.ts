import { describe, expect, it } from 'vitest';
import { encodeEnvelope } from '@hookstream/kafka';
import { decodeMessage } from './decode.js';

const message = (event: Record<string, unknown>) => ({
  key: '62515:contact:10',
  value: encodeEnvelope({ v: 1, provider: 'hubspot', receivedAt: 1, requestId: 'r', signatureVersion: 'v3', event }),
  offset: '7',
  timestamp: '0',
  headers: {},
});
const valid = {
  eventId: 1,
  subscriptionId: 2,
  portalId: 62515,
  occurredAt: 1_769_000_000_000,
  subscriptionType: 'contact.creation',
  attemptNumber: 0,
  objectId: 10,
};

describe('decodeMessage', () => {
  it('decodes a valid envelope with its object and delivery key', () => {
    const r = decodeMessage(message(valid));
    expect(r.ok && r.value.ref).toEqual({ portalId: 62515, objectType: 'contact', objectId: 10 });
    expect(r.ok && r.value.dedupeKey).toBe('62515:2:1:1769000000000:10');
  });

  it('refuses, for the dead-letter topic, an event the database could never store', () => {
    // Such a message can reach Kafka from an older edge or another producer; retrying cannot help.
    const r = decodeMessage(message({ ...valid, subscriptionType: 'contact.propertyChange', propertyName: 'firstname', propertyValue: '\ud800' }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toBe('invalid HubSpot event: event[0].propertyValue: contains an unpaired UTF-16 surrogate');
  });
});
