import { describe, expect, it } from 'vitest';
import { associationFactsOf, mergeFactOf } from './event-details.js';
import { parseWebhookBatch, type HubSpotEvent } from './events.js';
import { objectTypeOf } from './object-types.js';
import { classifySubscriptionType, KNOWN_SUBSCRIPTION_TYPES } from './subscription-types.js';

const base: HubSpotEvent = {
  eventId: 1,
  subscriptionId: 2,
  portalId: 62515,
  occurredAt: 1_715_100_000_000,
  subscriptionType: 'contact.associationChange',
  attemptNumber: 0,
  objectId: 1246965,
};

describe('associationFactsOf', () => {
  it('reads a legacy event as the fact plus its mirror with the same flags', () => {
    const facts = associationFactsOf({
      ...base,
      associationType: 'CONTACT_TO_COMPANY',
      fromObjectId: 1246965,
      toObjectId: 7654321,
      associationRemoved: false,
      isPrimaryAssociation: true,
    });
    expect(facts).toEqual([
      {
        fromObjectType: 'contact',
        fromObjectId: 1246965,
        toObjectType: 'company',
        toObjectId: 7654321,
        associationType: 'CONTACT_TO_COMPANY',
        isPrimary: true,
        removed: false,
      },
      {
        fromObjectType: 'company',
        fromObjectId: 7654321,
        toObjectType: 'contact',
        toObjectId: 1246965,
        associationType: 'COMPANY_TO_CONTACT',
        isPrimary: true,
        removed: false,
      },
    ]);
  });

  it('splits multi-word legacy names on _TO_ and keeps undocumented names readable', () => {
    const [f] = associationFactsOf({
      ...base,
      subscriptionType: 'line_item.associationChange',
      associationType: 'LINE_ITEM_TO_DEAL',
      fromObjectId: 5,
      toObjectId: 6,
      associationRemoved: true,
    });
    expect(f).toMatchObject({ fromObjectType: 'line_item', toObjectType: 'deal', removed: true, isPrimary: false });
    expect(associationFactsOf({ ...base, associationType: 'DEAL_TO_QUOTE', fromObjectId: 5, toObjectId: 6 })[0]).toMatchObject({
      fromObjectType: 'deal',
      toObjectType: 'quote',
    });
  });

  it('reads a generic event as one fact named by category and type id', () => {
    const facts = associationFactsOf({
      ...base,
      subscriptionType: 'object.associationChange',
      fromObjectTypeId: '0-3',
      toObjectTypeId: '2-143967026',
      fromObjectId: 267448862446,
      toObjectId: '180584432881',
      associationTypeId: 87,
      associationCategory: 'USER_DEFINED',
      associationRemoved: false,
    });
    expect(facts).toEqual([
      {
        fromObjectType: 'deal',
        fromObjectId: 267448862446,
        toObjectType: '2-143967026',
        toObjectId: 180584432881,
        associationType: 'USER_DEFINED:87',
        isPrimary: false,
        removed: false,
      },
    ]);
  });

  it('yields nothing when the pair is unusable', () => {
    expect(associationFactsOf({ ...base, associationType: 'CONTACT_TO_COMPANY', fromObjectId: 1 })).toEqual([]);
    expect(associationFactsOf({ ...base, associationType: 'CONTACTCOMPANY', fromObjectId: 1, toObjectId: 2 })).toEqual([]);
    expect(associationFactsOf({ ...base, associationType: '_TO_COMPANY', fromObjectId: 1, toObjectId: 2 })).toEqual([]);
    expect(associationFactsOf({ ...base, associationType: 'contact to company', fromObjectId: 1, toObjectId: 2 })).toEqual([]);
    expect(associationFactsOf({ ...base, associationType: 'CONTACT_TO_COMPANY', fromObjectId: -1, toObjectId: 2 })).toEqual([]);
  });
});

describe('mergeFactOf', () => {
  it('marks merged ids as merged away into the primary', () => {
    expect(
      mergeFactOf({ ...base, subscriptionType: 'contact.merge', primaryObjectId: 10, mergedObjectIds: [12, 10, 11, 12], numberOfPropertiesMoved: 4 }),
    ).toEqual({
      survivorId: 10,
      primaryObjectId: 10,
      mergedAwayIds: [11, 12],
      newObjectId: null,
      numberOfPropertiesMoved: 4,
    });
  });

  it('lets a new record created by the merge survive, the primary included among the merged-away ids', () => {
    const m = mergeFactOf({ ...base, subscriptionType: 'company.merge', primaryObjectId: 10, mergedObjectIds: [11], newObjectId: 20 });
    expect(m).toMatchObject({ survivorId: 20, mergedAwayIds: [10, 11], newObjectId: 20 });
    expect(mergeFactOf({ ...base, primaryObjectId: 10, mergedObjectIds: [11], newObjectId: 10 })).toMatchObject({
      survivorId: 10,
      newObjectId: null,
      mergedAwayIds: [11],
    });
  });

  it('falls back to the event objectId without primaryObjectId', () => {
    expect(mergeFactOf({ ...base, objectId: 77, mergedObjectIds: [78] })).toMatchObject({ survivorId: 77, mergedAwayIds: [78] });
  });
});

describe('association events without objectId', () => {
  it('are accepted with objectId taken from fromObjectId and keyed by the from side', () => {
    const captured = {
      eventId: 2073333923,
      subscriptionId: 1,
      portalId: 50249912,
      appId: 36665006,
      occurredAt: 1786997905997,
      subscriptionType: 'deal.associationChange',
      attemptNumber: 0,
      changeSource: 'USER',
      associationType: 'DEAL_TO_LINE_ITEM',
      fromObjectId: 64058987777,
      toObjectId: 58061514894,
      associationRemoved: false,
      sourceId: 'userId:82088707',
    };
    const r = parseWebhookBatch([captured], { maxEvents: 10 });
    expect(r.ok && r.events[0]?.objectId).toBe(64058987777);
    const generic = parseWebhookBatch(
      [{ ...captured, subscriptionType: 'object.associationChange', fromObjectTypeId: '0-3', toObjectTypeId: '0-8', associationTypeId: 19 }],
      { maxEvents: 1 },
    );
    expect(generic.ok && objectTypeOf(generic.events[0] as HubSpotEvent)).toBe('deal');
  });
});

describe('classifySubscriptionType', () => {
  it('knows every documented type and buckets everything else as unknown', () => {
    expect(KNOWN_SUBSCRIPTION_TYPES).toHaveLength(7 + 6 * 3 + 5 + 6 + 5 + 6);
    expect(classifySubscriptionType('contact.privacyDeletion')).toEqual({
      known: true,
      family: 'legacy',
      action: 'privacyDeletion',
      bucket: 'contact.privacyDeletion',
    });
    expect(classifySubscriptionType('object.merge')).toMatchObject({ known: true, family: 'generic', action: 'merge' });
    expect(classifySubscriptionType('conversation.newMessage')).toMatchObject({ known: true, family: 'conversation' });
    for (const t of [
      'event.completed',
      'contact.somethingNew',
      'company.privacyDeletion',
      'product.associationChange',
      'Contact.creation',
      'object.privacyDeletion',
      'x',
    ]) {
      expect(classifySubscriptionType(t)).toMatchObject({ known: false, family: 'unknown', bucket: 'unknown' });
    }
  });
});
