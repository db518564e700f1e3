import { EARTH_RADIUS_M } from './haversine.js';
import type { Position, Ring } from './types.js';

/** An axis-aligned box in degrees. Never wraps: minLon <= maxLon always (see circleBoxes). */
export interface BBox {
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
}

const DEG = 180 / Math.PI;
// Rounding slack, in degrees (~1 mm). The bounds below are exact on the sphere, but a point the
// Haversine test puts at exactly `radius` must not fall out of its box by one ulp.
const PAD_DEG = 1e-8;

/**
 * The boxes covering a spherical cap (every point within `radiusM` of `center` by Haversine).
 *
 * Latitude extent is ±radius/R. Longitude extent is the exact tangent-meridian half-width
 * asin(sin δ / cos φ) (δ the angular radius, φ the center's latitude), which grows as meridians
 * converge: a fixed-degree box would miss matches away from the equator.
 * - If the cap reaches a pole, every longitude is covered: one box spanning -180..180, from the
 *   far latitude edge up to the pole.
 * - If it crosses the antimeridian, it is split into two boxes, one on each side, so no box ever
 *   wraps and a point at lon -179.99 still finds a circle centered at 179.99.
 * Limit: boxes are conservative by ~1 mm and by the pole rule (a polar cap box is wider than the
 * cap); they may return extra candidates, never miss one. The exact test comes after.
 */
export function circleBoxes(center: Position, radiusM: number): BBox[] {
  const [lon, lat] = center;
  const delta = radiusM / EARTH_RADIUS_M;
  const dLatDeg = delta * DEG + PAD_DEG;
  const minLat = lat - dLatDeg;
  const maxLat = lat + dLatDeg;
  if (maxLat >= 90 || minLat <= -90) return [{ minLon: -180, minLat: Math.max(-90, minLat), maxLon: 180, maxLat: Math.min(90, maxLat) }];
  const ratio = Math.sin(delta) / Math.cos((lat * Math.PI) / 180);
  // ratio >= 1 only when the cap touches a pole, caught above; kept as a guard against rounding.
  if (ratio >= 1) return [{ minLon: -180, minLat, maxLon: 180, maxLat }];
  const dLonDeg = Math.asin(ratio) * DEG + PAD_DEG;
  const minLon = lon - dLonDeg;
  const maxLon = lon + dLonDeg;
  if (minLon < -180)
    return [
      { minLon: minLon + 360, minLat, maxLon: 180, maxLat },
      { minLon: -180, minLat, maxLon, maxLat },
    ];
  if (maxLon > 180)
    return [
      { minLon, minLat, maxLon: 180, maxLat },
      { minLon: -180, minLat, maxLon: maxLon - 360, maxLat },
    ];
  return [{ minLon, minLat, maxLon, maxLat }];
}

/** The box of a ring's vertices: exact for a polygon, whose edges are straight in lon/lat. */
export function ringBox(ring: Ring): BBox {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const [lon, lat] of ring) {
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  return { minLon, minLat, maxLon, maxLat };
}

export const boxContains = (b: BBox, lon: number, lat: number): boolean => lon >= b.minLon && lon <= b.maxLon && lat >= b.minLat && lat <= b.maxLat;

export const boxesIntersect = (a: BBox, b: BBox): boolean => a.minLon <= b.maxLon && a.maxLon >= b.minLon && a.minLat <= b.maxLat && a.maxLat >= b.minLat;
