import { describe, expect, it } from 'vitest';
import type { HubSpotEvent } from './events.js';
import { crmApiObjectType, eventKey, objectTypeOf } from './object-types.js';

const base: HubSpotEvent = {
  eventId: 1,
  subscriptionId: 2,
  portalId: 62515,
  occurredAt: 1564113600000,
  subscriptionType: 'contact.creation',
  attemptNumber: 0,
  objectId: 267448862446,
};

describe('objectTypeOf', () => {
  it.each([
    ['contact.creation', 'contact'],
    ['company.propertyChange', 'company'],
    ['deal.deletion', 'deal'],
    ['ticket.merge', 'ticket'],
    ['product.restore', 'product'],
    ['line_item.associationChange', 'line_item'],
    ['conversation.newMessage', 'conversation'],
    ['quote.creation', 'quote'],
  ])('legacy %s -> %s', (subscriptionType, expected) => {
    expect(objectTypeOf({ subscriptionType })).toBe(expected);
  });

  it.each([
    ['0-1', 'contact'],
    ['0-2', 'company'],
    ['0-3', 'deal'],
    ['0-5', 'ticket'],
    ['0-7', 'product'],
    ['0-8', 'line_item'],
    ['2-143967026', '2-143967026'],
    ['0-47', '0-47'],
  ])('generic object.* with %s -> %s', (objectTypeId, expected) => {
    expect(objectTypeOf({ subscriptionType: 'object.creation', objectTypeId })).toBe(expected);
  });

  it('falls back to the prefix for a generic event without objectTypeId', () => {
    expect(objectTypeOf({ subscriptionType: 'object.creation' })).toBe('object');
  });

  it('is not fooled by Object.prototype names', () => {
    expect(objectTypeOf({ subscriptionType: 'constructor.creation' })).toBe('constructor');
    expect(crmApiObjectType('constructor')).toBeUndefined();
    expect(crmApiObjectType('toString')).toBeUndefined();
  });
});

describe('eventKey', () => {
  it('gives legacy and generic events of one object the same key', () => {
    const legacy = eventKey(base);
    const generic = eventKey({ ...base, subscriptionType: 'object.propertyChange', objectTypeId: '0-1' });
    expect(legacy).toBe('62515:contact:267448862446');
    expect(generic).toBe(legacy);
  });

  it('separates portals and object types', () => {
    expect(eventKey({ ...base, portalId: 1 })).not.toBe(eventKey(base));
    expect(eventKey({ ...base, subscriptionType: 'deal.creation' })).toBe('62515:deal:267448862446');
  });
});

describe('crmApiObjectType', () => {
  it.each([
    ['contact', 'contacts'],
    ['company', 'companies'],
    ['deal', 'deals'],
    ['ticket', 'tickets'],
    ['product', 'products'],
    ['line_item', 'line_items'],
    ['2-123', '2-123'],
  ])('%s -> %s', (type, path) => {
    expect(crmApiObjectType(type)).toBe(path);
  });

  it.each(['conversation', 'quote', 'object', '0-47', '2-', 'contacts'])('%s is not enrichable', (type) => {
    expect(crmApiObjectType(type)).toBeUndefined();
  });
});
