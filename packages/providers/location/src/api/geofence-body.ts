import { checkGeofenceShape, invalidGeofence, type GeofenceShape } from '@hookstream/geo';
import type { FieldError } from '@hookstream/core';
import { badRequest } from '@hookstream/pipeline';
import { isId, ID_RULE, isObject } from '../edge/fields.js';
import type { GeofenceRecord } from '../store/geofence-store.js';

const TAG = /^[A-Za-z0-9_.:-]{1,128}$/;
export const TAG_RULE = 'must be 1-128 letters, digits and _ . : -';
const KNOWN = new Set(['description', 'type', 'coordinates', 'radius', 'metadata']);
const MAX_DESCRIPTION = 1024;
const MAX_METADATA_BYTES = 16 * 1024;

export const isTag = (v: string): boolean => TAG.test(v);

/** `:tag/:externalId` of the geofence routes (400 naming the parameter). */
export function readGeofenceRef(params: unknown): { tag: string; externalId: string } {
  const { tag = '', externalId = '' } = (params ?? {}) as Record<string, string>;
  if (!isTag(tag)) throw badRequest('tag', TAG_RULE);
  if (!isId(externalId)) throw badRequest('externalId', ID_RULE);
  return { tag, externalId };
}

export interface GeofenceBody {
  description: string | null;
  shape: GeofenceShape;
  metadata: Record<string, unknown> | null;
}

/** A PUT body, Radar's shape: `{description?, type, coordinates, radius?, metadata?}`; every problem 422 with its pointer. */
export function parseGeofenceBody(body: unknown): GeofenceBody {
  if (!isObject(body)) throw invalidGeofence([{ path: '', message: 'expected a JSON object with type, coordinates and (for a circle) radius' }]);
  const errors: FieldError[] = [];
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) errors.push({ path: `/${key}`, message: 'unknown field' });
  const { description, metadata } = body;
  if (description !== undefined && description !== null && (typeof description !== 'string' || description.length > MAX_DESCRIPTION))
    errors.push({ path: '/description', message: `must be a string of at most ${MAX_DESCRIPTION} characters` });
  if (metadata !== undefined && metadata !== null) {
    if (!isObject(metadata)) errors.push({ path: '/metadata', message: 'must be an object' });
    else if (Buffer.byteLength(JSON.stringify(metadata), 'utf8') > MAX_METADATA_BYTES)
      errors.push({ path: '/metadata', message: `must be at most ${MAX_METADATA_BYTES} bytes as JSON` });
  }
  const checked = checkGeofenceShape({ type: body.type, coordinates: body.coordinates, ...(body.radius !== undefined ? { radius: body.radius } : {}) });
  if (!checked.ok) errors.push(...checked.errors);
  if (errors.length > 0 || !checked.ok) throw invalidGeofence(errors);
  return {
    description: typeof description === 'string' ? description : null,
    shape: checked.shape,
    metadata: isObject(metadata) ? metadata : null,
  };
}

/** A geofence as the API answers it: Radar's fields, plus when it was created and last changed. */
export function geofenceView(g: GeofenceRecord): Record<string, unknown> {
  return {
    tag: g.tag,
    externalId: g.externalId,
    description: g.description,
    ...g.shape,
    metadata: g.metadata,
    createdAt: new Date(g.createdAt).toISOString(),
    updatedAt: new Date(g.updatedAt).toISOString(),
  };
}
