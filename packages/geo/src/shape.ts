import type { FieldError } from '@hookstream/core';
import { z } from 'zod';
import { boxContains, ringBox } from './bbox.js';
import { invalidGeofence, toPointer } from './errors.js';
import type { GeofenceShape, Ring } from './types.js';

// Radar's limits (providers.md §3), so a geofence copied from Radar fits as it is.
export const MIN_RADIUS_M = 10;
export const MAX_RADIUS_M = 10_000;
export const MIN_RING_POINTS = 4;
export const MAX_RING_POINTS = 2_000;
// Not Radar's: a guard so that one body cannot carry an unbounded number of 2,000-point holes.
export const MAX_HOLES = 100;

const lon = z
  .number({ error: 'longitude must be a finite number' })
  .min(-180, { error: 'longitude must be between -180 and 180' })
  .max(180, { error: 'longitude must be between -180 and 180' });
const lat = z
  .number({ error: 'latitude must be a finite number' })
  .min(-90, { error: 'latitude must be between -90 and 90' })
  .max(90, { error: 'latitude must be between -90 and 90' });
const position = z.tuple([lon, lat], { error: 'expected a [longitude, latitude] pair' });

const circleSchema = z.object({
  type: z.literal('circle'),
  coordinates: position,
  radius: z
    .number({ error: 'radius must be a finite number of meters' })
    .min(MIN_RADIUS_M, { error: `radius must be between ${MIN_RADIUS_M} and ${MAX_RADIUS_M} meters` })
    .max(MAX_RADIUS_M, { error: `radius must be between ${MIN_RADIUS_M} and ${MAX_RADIUS_M} meters` }),
});

const ring = z
  .array(position, { error: 'expected a ring: an array of [longitude, latitude] pairs' })
  .min(MIN_RING_POINTS, { error: `a ring needs at least ${MIN_RING_POINTS} points (closed: the last equals the first)` })
  .max(MAX_RING_POINTS, { error: `a ring has at most ${MAX_RING_POINTS} points` });

const polygonSchema = z.object({
  type: z.literal('polygon'),
  coordinates: z
    .array(ring, { error: 'expected an array of rings: the outer ring, then its holes' })
    .min(1, { error: 'a polygon needs its outer ring' })
    .max(1 + MAX_HOLES, { error: `a polygon has at most ${MAX_HOLES} holes` }),
});

/**
 * Validates a geofence shape: `{type: "circle", coordinates: [lon, lat], radius}` or
 * `{type: "polygon", coordinates: [outer, ...holes]}`. Other fields (`description`, `tag`) are
 * the caller's business and are left out of the result. Throws AppError `invalid_geofence`
 * (422) listing every problem by JSON pointer into `input`.
 */
export function parseGeofenceShape(input: unknown): GeofenceShape {
  const errors: FieldError[] = [];
  const shape = readShape(input, errors);
  if (!shape) throw invalidGeofence(errors);
  return shape;
}

/** The same check without throwing, for callers that gather problems from several places. */
export function checkGeofenceShape(input: unknown): { ok: true; shape: GeofenceShape } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const shape = readShape(input, errors);
  return shape ? { ok: true, shape } : { ok: false, errors };
}

function readShape(input: unknown, errors: FieldError[]): GeofenceShape | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    errors.push({ path: '', message: 'expected a JSON object with type, coordinates and (for a circle) radius' });
    return null;
  }
  // Checked by hand rather than by a discriminated union, so that an unknown type is reported
  // at /type instead of as a union mismatch of the whole body.
  const type = (input as { type?: unknown }).type;
  if (type !== 'circle' && type !== 'polygon') {
    errors.push({ path: '/type', message: 'type must be "circle" or "polygon"' });
    return null;
  }
  const r = (type === 'circle' ? circleSchema : polygonSchema).safeParse(input);
  if (!r.success) {
    for (const issue of r.error.issues) errors.push({ path: toPointer(issue.path), message: issue.message });
    return null;
  }
  if (r.data.type === 'circle') return r.data;
  checkRings(r.data.coordinates, errors);
  return errors.length === 0 ? r.data : null;
}

/** Geometry zod cannot express: closed, non-degenerate, unambiguous rings, holes within the outer box. */
function checkRings(rings: readonly Ring[], errors: FieldError[]): void {
  rings.forEach((ring, i) => {
    const at = `/coordinates/${i}`;
    const first = ring[0];
    const last = ring[ring.length - 1];
    if (!first || !last || first[0] !== last[0] || first[1] !== last[1]) {
      errors.push({ path: `${at}/${ring.length - 1}`, message: 'ring is not closed: the last point must equal the first' });
      return;
    }
    const wide = ring.findIndex((p, j) => j > 0 && Math.abs(p[0] - (ring[j - 1]?.[0] ?? p[0])) > 180);
    if (wide > 0) {
      // A polygon is planar in lon/lat here; such an edge means "the short way across the
      // antimeridian" to its author and "the long way round" to the ray test.
      errors.push({ path: `${at}/${wide}`, message: 'edge spans more than 180° of longitude: polygons crossing the antimeridian are not supported' });
      return;
    }
    if (isDegenerate(ring)) errors.push({ path: at, message: 'ring has zero area: its points are repeated or collinear' });
  });
  const outer = rings[0];
  if (!outer || errors.length > 0) return;
  const box = ringBox(outer);
  rings.forEach((hole, i) => {
    // A cheap sanity check, not containment: a full hole-inside-outer test is O(n·m) per hole.
    if (i > 0 && !hole.every(([x, y]) => boxContains(box, x, y))) errors.push({ path: `/coordinates/${i}`, message: 'hole lies outside the outer ring' });
  });
}

/**
 * Zero area, up to rounding: |shoelace area| tiny next to the ring's box. Collinear points
 * rarely cancel to exactly 0 in floating point, hence the relative threshold. Self-intersection
 * is not checked (an O(n²) scan); a bow-tie ring is read with the even-odd rule.
 */
function isDegenerate(ring: Ring): boolean {
  const origin = ring[0];
  if (!origin) return true;
  let twiceArea = 0;
  for (let j = 1; j < ring.length - 1; j++) {
    const p = ring[j];
    const q = ring[j + 1];
    // Relative to the first point, so that large coordinates do not swamp a small ring.
    if (p && q) twiceArea += (p[0] - origin[0]) * (q[1] - origin[1]) - (q[0] - origin[0]) * (p[1] - origin[1]);
  }
  const b = ringBox(ring);
  const boxArea = (b.maxLon - b.minLon) * (b.maxLat - b.minLat);
  return boxArea === 0 || Math.abs(twiceArea) / 2 <= boxArea * 1e-9;
}
