import type { NewEvent } from '../write/types.js';

/** A valid HubSpot-like event row; override what the test is about. */
export function makeEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  const base: NewEvent = {
    provider: 'hubspot',
    portalId: 62515,
    appId: 1160452,
    subscriptionId: 2_000_001,
    eventId: 1_000_000,
    subscriptionType: 'contact.propertyChange',
    objectType: 'contact',
    objectTypeId: '0-1',
    objectId: 123,
    occurredAt: 1_732_300_000_000,
    receivedAt: 1_732_300_000_500,
    attemptNumber: 0,
    changeSource: 'CRM',
    changeFlag: null,
    propertyName: 'email',
    propertyValue: 'ada@example.com',
    requestId: null,
    raw: {},
    enrichment: null,
    enrichmentState: 'skipped',
    enrichmentError: null,
    enrichmentNextAt: null,
    enrichmentAttempts: 0,
  };
  const e = { ...base, ...overrides };
  if (!('raw' in overrides)) {
    e.raw = {
      eventId: e.eventId,
      subscriptionId: e.subscriptionId,
      portalId: e.portalId,
      objectId: e.objectId,
      occurredAt: e.occurredAt,
      subscriptionType: e.subscriptionType,
      attemptNumber: e.attemptNumber,
    };
  }
  return e;
}
