import { randomInt } from 'node:crypto';
import type { HubSpotEvent } from '@hookstream/hubspot';

const PORTAL_ID = 62515;
const APP_ID = 54321;

/**
 * A realistic contact.creation event (fields as in HubSpot's documented example). eventId and
 * objectId are random so independent samples do not collide in dedupe tables.
 */
export function sampleEvent(overrides: Partial<HubSpotEvent> = {}): HubSpotEvent {
  return {
    eventId: randomInt(1, 2 ** 32),
    subscriptionId: 12345,
    portalId: PORTAL_ID,
    appId: APP_ID,
    occurredAt: Date.now(),
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: randomInt(1, 2 ** 40),
    changeFlag: 'CREATED',
    changeSource: 'CRM_UI',
    sourceId: 'userId:52530071',
    ...overrides,
  };
}

/**
 * n distinct events cycling through contact.creation, contact.propertyChange (firstname) and
 * deal.creation (object ids above 2^31), with consecutive eventIds and increasing occurredAt.
 * `overrides` apply to every event.
 */
export function sampleBatch(n: number, overrides: Partial<HubSpotEvent> = {}): HubSpotEvent[] {
  const firstEventId = randomInt(1, 2 ** 32);
  const firstObjectId = randomInt(1, 2 ** 30);
  const start = Date.now() - n;
  return Array.from({ length: n }, (_, i) => {
    const common = { eventId: firstEventId + i, occurredAt: start + i };
    switch (i % 3) {
      case 0:
        return sampleEvent({ ...common, subscriptionType: 'contact.creation', objectId: firstObjectId + i, ...overrides });
      case 1: {
        const { changeFlag: _noFlag, ...rest } = sampleEvent({
          ...common,
          subscriptionId: 12346,
          subscriptionType: 'contact.propertyChange',
          objectId: firstObjectId + i - 1,
          propertyName: 'firstname',
          propertyValue: `Jörg ${i}`,
          changeSource: 'CRM_UI',
        });
        return { ...rest, ...overrides };
      }
      default:
        return sampleEvent({
          ...common,
          subscriptionId: 4578255,
          subscriptionType: 'deal.creation',
          // Real deal ids are 12 digits, beyond 2^31.
          objectId: 267_448_862_446 + firstObjectId + i,
          ...overrides,
        });
    }
  });
}
