import { circleBoxes, ringBox, type BBox } from './bbox.js';
import { EARTH_RADIUS_M, haversineMeters } from './haversine.js';
import { polygonContains } from './polygon.js';
import type { GeofenceShape, Ring } from './types.js';

/**
 * The exact test: a circle contains the points at Haversine distance <= radius (its edge is
 * inside, like a polygon's); a polygon, see polygonContains.
 */
export function shapeContains(shape: GeofenceShape, lon: number, lat: number): boolean {
  if (shape.type === 'circle') return haversineMeters(shape.coordinates[0], shape.coordinates[1], lon, lat) <= shape.radius;
  return polygonContains(shape.coordinates, lon, lat);
}

/** The boxes to index a shape under: 1, or 2 for a circle across the antimeridian. */
export function shapeBoxes(shape: GeofenceShape): BBox[] {
  if (shape.type === 'circle') return circleBoxes(shape.coordinates, shape.radius);
  const outer = shape.coordinates[0];
  return outer ? [ringBox(outer)] : [];
}

const M_PER_DEG = (Math.PI * EARTH_RADIUS_M) / 180;

/**
 * Meters from the point to the shape, 0 when the shape contains it: what exit hysteresis
 * compares with its margin. Circles: exact (Haversine minus radius). Polygons: distance to the
 * nearest edge of any ring in an equirectangular projection centered on the point, accurate for
 * the short distances a margin is about (tens of meters), coarser for far edges.
 */
export function metersOutside(shape: GeofenceShape, lon: number, lat: number): number {
  if (shape.type === 'circle') return Math.max(0, haversineMeters(shape.coordinates[0], shape.coordinates[1], lon, lat) - shape.radius);
  if (polygonContains(shape.coordinates, lon, lat)) return 0;
  const kx = M_PER_DEG * Math.cos((lat * Math.PI) / 180);
  let best = Infinity;
  for (const ring of shape.coordinates) best = Math.min(best, ringDistance(ring, lon, lat, kx));
  return best;
}

function ringDistance(ring: Ring, lon: number, lat: number, kx: number): number {
  let best2 = Infinity;
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i];
    const b = ring[i + 1];
    if (!a || !b) continue;
    // Meters, with the point at the origin.
    const ax = (a[0] - lon) * kx;
    const ay = (a[1] - lat) * M_PER_DEG;
    const dx = (b[0] - lon) * kx - ax;
    const dy = (b[1] - lat) * M_PER_DEG - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, -(ax * dx + ay * dy) / len2));
    const px = ax + t * dx;
    const py = ay + t * dy;
    best2 = Math.min(best2, px * px + py * py);
  }
  return Math.sqrt(best2);
}
