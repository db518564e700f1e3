import type { HubSpotEvent } from './events.js';

/** objectTypeId of the generic object.* webhooks -> our canonical object type. */
// Maps, not object literals: a lookup of "constructor" must not find Object.prototype's.
const BY_OBJECT_TYPE_ID: ReadonlyMap<string, string> = new Map([
  ['0-1', 'contact'],
  ['0-2', 'company'],
  ['0-3', 'deal'],
  ['0-5', 'ticket'],
  ['0-7', 'product'],
  ['0-8', 'line_item'],
]);

/** Canonical object type -> the path segment of /crm/v3/objects/{objectType}. */
const CRM_API_PATH: ReadonlyMap<string, string> = new Map([
  ['contact', 'contacts'],
  ['company', 'companies'],
  ['deal', 'deals'],
  ['ticket', 'tickets'],
  ['product', 'products'],
  ['line_item', 'line_items'],
]);

const CUSTOM_OBJECT_TYPE_ID = /^2-\d+$/;
const OBJECT_TYPE_ID = /^\d{1,10}-\d{1,20}$/;

/** Canonical object type for an objectTypeId ('0-1' → 'contact', '2-123' → '2-123'), or undefined for ids we do not name. */
export function objectTypeForId(typeId: string): string | undefined {
  const known = BY_OBJECT_TYPE_ID.get(typeId);
  if (known !== undefined) return known;
  return CUSTOM_OBJECT_TYPE_ID.test(typeId) ? typeId : undefined;
}

/**
 * Canonical object type of an event: contact, company, deal, ticket, product, line_item,
 * conversation, a custom object's '2-NNN', or for anything else the subscription prefix
 * (or the raw objectTypeId of a generic event). Legacy `contact.creation` and generic
 * `object.creation` with objectTypeId 0-1 yield the same value, so they share a Kafka key.
 */
export function objectTypeOf(e: Pick<HubSpotEvent, 'subscriptionType' | 'objectTypeId'> & { fromObjectTypeId?: unknown }): string {
  // Generic association events name their objects with from/toObjectTypeId instead of objectTypeId;
  // the event belongs to the "from" side (its objectId is fromObjectId).
  const typeId = e.objectTypeId ?? (typeof e.fromObjectTypeId === 'string' && OBJECT_TYPE_ID.test(e.fromObjectTypeId) ? e.fromObjectTypeId : undefined);
  if (typeId !== undefined) {
    const known = objectTypeForId(typeId);
    if (known !== undefined) return known;
  }
  const dot = e.subscriptionType.indexOf('.');
  const prefix = (dot === -1 ? e.subscriptionType : e.subscriptionType.slice(0, dot)).toLowerCase();
  // A generic event for an object we have no name for (e.g. 0-47 meetings) keeps its id, which
  // is more specific than the meaningless prefix "object".
  if (prefix === 'object' && typeId !== undefined) return typeId;
  return prefix;
}

/** `${portalId}:${objectType}:${objectId}`: the Kafka key, so one object's events stay in order. */
export function eventKey(e: HubSpotEvent): string {
  return `${e.portalId}:${objectTypeOf(e)}:${e.objectId}`;
}

/**
 * Path segment for the CRM objects API, or undefined when the type cannot be enriched by a
 * CRM batch read (conversations live in another API; unnamed standard types need scopes we
 * do not request).
 */
export function crmApiObjectType(objectType: string): string | undefined {
  const path = CRM_API_PATH.get(objectType);
  if (path !== undefined) return path;
  return CUSTOM_OBJECT_TYPE_ID.test(objectType) ? objectType : undefined;
}
