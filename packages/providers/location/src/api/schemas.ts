import { SOURCE_NAME, schemas, type Schema } from '@hookstream/pipeline';
import { ID_RULE, MAX_ID_LENGTH } from '../edge/fields.js';
import { TAG_RULE } from './geofence-body.js';

/**
 * JSON Schemas of location's events-api routes: the host validates parameters with them (a
 * failure answered `<param>: <x-error>`, 400) and publishes them in its OpenAPI document. Rules
 * a schema does not state (no control characters, no outer spaces) stay in the handlers.
 */

export const tags = ['location'];
const str: Schema = { type: 'string' };
const nullable = (type: string): Schema => ({ type: [type, 'null'] });
const iso: Schema = { type: 'string', format: 'date-time' };
const isoOrNull: Schema = { type: ['string', 'null'], format: 'date-time' };
const closed = (properties: Record<string, Schema>, open = false): Schema => ({
  type: 'object',
  additionalProperties: open,
  required: Object.keys(properties),
  properties,
});

// The pieces every events-api route shares, under the names this provider's routes use.
export const { limit: LIMIT, time: TIME, query, pathParams: path } = schemas;
export const CURSOR = schemas.cursor();

export const id = (description: string): Schema => ({ type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH, description, 'x-error': ID_RULE });
export const TAG: Schema = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$', description: 'A geofence tag.', 'x-error': TAG_RULE };
export const SOURCE: Schema = {
  type: 'string',
  pattern: SOURCE_NAME.source,
  description: 'Only this location source (SOURCES_FILE entry).',
  'x-error': 'must be a location source name (lower-case letters, digits, _ or -)',
};
export const USER = closed({
  source: str,
  userId: str,
  deviceId: nullable('string'),
  live: nullable('boolean'),
  location: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['lat', 'lon', 'accuracy', 'recordedAt', 'eventId'],
    properties: { lat: { type: 'number' }, lon: { type: 'number' }, accuracy: nullable('number'), recordedAt: isoOrNull, eventId: nullable('integer') },
  },
  tripId: nullable('string'),
  geofences: { type: 'array', items: closed({ tag: str, externalId: str, since: iso }), description: 'The geofences the user is inside now.' },
  firstSeenAt: iso,
  updatedAt: iso,
});

export const TRIP = closed({
  source: str,
  tripId: str,
  externalId: nullable('string'),
  userId: str,
  status: str,
  metadata: { type: ['object', 'null'], additionalProperties: true },
  startedAt: isoOrNull,
  endedAt: isoOrNull,
  createdAt: iso,
  updatedAt: iso,
  transitions: { type: 'array', items: closed({ status: str, reachedAt: iso, eventId: { type: 'integer' }, eventType: str }) },
});

export const TRACK: Schema = {
  type: 'object',
  required: ['type', 'properties', 'features'],
  additionalProperties: false,
  description: 'GeoJSON (RFC 7946): a LineString through the positions (two or more), then one Point per position.',
  properties: {
    type: { const: 'FeatureCollection' },
    properties: closed({ userId: str, points: { type: 'integer' }, truncated: { type: 'boolean' } }),
    features: { type: 'array', items: { type: 'object', required: ['type', 'geometry', 'properties'], properties: { type: { const: 'Feature' } } } },
  },
};

export const GEOFENCE_EVENTS = closed({
  events: {
    type: 'array',
    items: closed({
      id: str,
      ledgerId: { type: 'integer' },
      type: str,
      source: str,
      userId: str,
      geofence: { type: 'object', required: ['id', 'tag', 'externalId'], properties: { id: { type: 'integer' }, tag: str, externalId: str, description: str } },
      location: closed({ lat: { type: 'number' }, lon: { type: 'number' } }),
      occurredAt: iso,
      enteredAt: iso,
      durationMs: nullable('integer'),
      locationEventId: nullable('integer'),
    }),
  },
  nextCursor: nullable('string'),
});

/** Radar's geofence fields (the shape's type, coordinates and, for a circle, radius), plus its times. */
export const GEOFENCE: Schema = {
  type: 'object',
  required: ['tag', 'externalId', 'description', 'type', 'coordinates', 'metadata', 'createdAt', 'updatedAt'],
  additionalProperties: false,
  properties: {
    tag: str,
    externalId: str,
    description: nullable('string'),
    type: { type: 'string', enum: ['circle', 'polygon'] },
    coordinates: { type: 'array', description: 'circle: [lon, lat]; polygon: rings of [lon, lat] points, each closed.' },
    radius: { type: 'number', description: 'Meters (circles only).' },
    metadata: { type: ['object', 'null'], additionalProperties: true },
    createdAt: iso,
    updatedAt: iso,
  },
};

/** A PUT body: the handler checks it (every problem 422 with its pointer); described here for the document. */
export const GEOFENCE_BODY: Schema = {
  type: 'object',
  required: ['type', 'coordinates'],
  additionalProperties: false,
  properties: {
    description: { type: ['string', 'null'], maxLength: 1024 },
    type: { type: 'string', enum: ['circle', 'polygon'] },
    coordinates: { type: 'array', description: 'circle: [lon, lat]; polygon: rings of [lon, lat] points, each closed.' },
    radius: { type: 'number', minimum: 10, maximum: 10000, description: 'Meters, circles only.' },
    metadata: { type: ['object', 'null'], additionalProperties: true, description: 'At most 16 KiB as JSON.' },
  },
  'x-validated-by-handler': true,
};

export const GEOFENCES_PAGE = closed({ geofences: { type: 'array', items: GEOFENCE }, nextCursor: nullable('string') });
export const GEOFENCE_PATH = path({ tag: TAG, externalId: id('The geofence’s external id.') });
