import { schemas, type Schema } from '@hookstream/pipeline';
import { ENRICHMENT_STATES } from '../store/index.js';

/**
 * JSON Schemas of HubSpot's events-api routes: the host validates parameters with them (each
 * failure answered `<param>: <x-error>`, 400) and publishes them in its OpenAPI document.
 */

const int = (description?: string): Schema => ({ type: 'integer', ...(description ? { description } : {}) });
const str: Schema = { type: 'string' };
const nullable = (type: string, description?: string): Schema => ({ type: [type, 'null'], ...(description ? { description } : {}) });
const closed = (properties: Record<string, Schema>, open = false): Schema => ({
  type: 'object',
  additionalProperties: open,
  required: Object.keys(properties),
  properties,
});

export const OBJECT_TYPE: Schema = {
  type: 'string',
  pattern: '^(?:[a-z][a-z_]{0,63}|[0-9]{1,10}-[0-9]{1,20})$',
  description: 'A canonical name (contact, line_item, …) or a custom object type id (2-1234567).',
  'x-error': 'must be an object type such as contact, deal or 2-1234567',
};

// The pieces every events-api route shares, under the names this provider's routes use.
export const { positiveInt, limit: LIMIT, order: ORDER, time: TIME, query, pathParams: path } = schemas;
export const CURSOR = schemas.cursor();

export const OBJECT_PATH = path({
  portalId: positiveInt('The HubSpot portal (hub) id.'),
  objectType: OBJECT_TYPE,
  objectId: positiveInt('The object’s id in HubSpot.'),
});

export const OBJECT_STATE = closed({
  portalId: int(),
  objectType: str,
  objectId: int(),
  properties: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
  propertyVersions: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Property name → epoch ms of the information that set it.' },
  archived: { type: 'boolean' },
  archivedVersion: int(),
  mergedIntoObjectId: nullable('integer'),
  mergedVersion: int(),
  createdAt: nullable('integer'),
  lastEventAt: nullable('integer'),
  snapshotAt: nullable('integer'),
  mergedObjectIds: { type: 'array', items: int(), description: 'Ids merged into this object (it survived their merge).' },
  privacyDeletedAt: nullable('integer', 'Set once a privacy deletion was received: properties are empty for good.'),
});

/** A stored HubSpot event; its rows in GET /events add the ledger's source, tenant, type and subject. */
export const STORED_EVENT: Schema = {
  ...closed(
    {
      id: int('Ledger id: the order of the changes feed.'),
      provider: str,
      portalId: int(),
      appId: nullable('integer'),
      subscriptionId: int(),
      eventId: int(),
      subscriptionType: str,
      objectType: str,
      objectTypeId: nullable('string'),
      objectId: int(),
      occurredAt: int('Epoch ms.'),
      receivedAt: int('Epoch ms.'),
      processedAt: int('Epoch ms.'),
      attemptNumber: int(),
      changeSource: nullable('string'),
      changeFlag: nullable('string'),
      propertyName: nullable('string'),
      propertyValue: nullable('string'),
      requestId: nullable('string'),
      raw: { description: 'The event as HubSpot sent it.' },
      enrichment: closed({
        state: { type: 'string', enum: [...ENRICHMENT_STATES] },
        attempts: int(),
        error: nullable('string'),
        nextAttemptAt: nullable('integer'),
        enrichedAt: nullable('integer'),
        snapshot: { description: 'The CRM object as read from HubSpot’s API when enriched; null before.' },
      }),
    },
    true,
  ),
  description: 'A stored HubSpot event.',
};

export const EVENTS_PAGE = closed({
  events: { type: 'array', items: STORED_EVENT },
  nextCursor: nullable('string', 'The cursor of the next page; null on the last one.'),
});

export const ASSOCIATIONS_PAGE = closed({
  associations: {
    type: 'array',
    items: closed({
      portalId: int(),
      fromObjectType: str,
      fromObjectId: int(),
      toObjectType: str,
      toObjectId: int(),
      associationType: { type: 'string', description: 'Legacy name (CONTACT_TO_COMPANY) or `<category>:<typeId>`.' },
      isPrimary: { type: 'boolean' },
      removed: { type: 'boolean' },
      version: int('occurredAt of the event that decided the current value.'),
    }),
  },
  nextCursor: nullable('string'),
});

export const LIFECYCLE = {
  type: 'array',
  items: closed({
    stage: nullable('string'),
    at: int(),
    eventId: int(),
    subscriptionType: str,
    source: { type: 'string', enum: ['propertyChange', 'snapshot'] },
  }),
};

export const SUBSCRIPTION_TYPE_STATS = closed({
  subscriptionTypes: {
    type: 'array',
    items: closed({ subscriptionType: str, known: { type: 'boolean' }, events: int(), firstOccurredAt: int(), lastOccurredAt: int() }),
  },
  unknown: closed({ types: int(), events: int() }),
});
