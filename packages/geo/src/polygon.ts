import type { Ring } from './types.js';

/** Where a point lies relative to a ring: strictly outside, on an edge or vertex, strictly inside. */
export const OUTSIDE = -1;
export const ON_BOUNDARY = 0;
export const INSIDE = 1;
export type RingLocation = typeof OUTSIDE | typeof ON_BOUNDARY | typeof INSIDE;

/**
 * Ray casting (even-odd rule) on lon/lat as a plane: edges are straight lines in degrees, not
 * great circles (what GeoJSON and Turf do too; the difference is centimeters at geofence sizes).
 *
 * Boundary: a point exactly on an edge or vertex (exactly as computed in doubles: the same cross
 * product that drives the ray test is 0 and the point is within the edge's extent) is reported
 * as ON_BOUNDARY, before the ray test can assign it to either side by accident. The ray test uses
 * a half-open rule (a vertex on the ray counts with the edge above it) so a ray through a vertex
 * is counted once.
 */
export function ringLocation(ring: Ring, lon: number, lat: number): RingLocation {
  let inside = false;
  for (let i = 0, n = ring.length - 1; i < n; i++) {
    const a = ring[i];
    const b = ring[i + 1];
    if (!a || !b) continue;
    const [xa, ya] = a;
    const [xb, yb] = b;
    // > 0: the point is left of a→b.
    const cross = (xb - xa) * (lat - ya) - (lon - xa) * (yb - ya);
    if (cross === 0 && (lon - xa) * (lon - xb) <= 0 && (lat - ya) * (lat - yb) <= 0) return ON_BOUNDARY;
    // The edge straddles the horizontal through the point: the ray towards +lon crosses it when
    // the point is left of an upward edge or right of a downward one.
    if (ya > lat !== yb > lat && cross > 0 === yb > ya) inside = !inside;
  }
  return inside ? INSIDE : OUTSIDE;
}

/**
 * A polygon with holes is a closed set: its outer ring's boundary is inside, and so is each
 * hole's boundary (only the hole's open interior is cut out). So a point on any ring counts as
 * inside; entries and exits then happen strictly off the line, the same way for every ring.
 */
export function polygonContains(rings: readonly Ring[], lon: number, lat: number): boolean {
  const outer = rings[0];
  if (!outer) return false;
  const where = ringLocation(outer, lon, lat);
  if (where === OUTSIDE) return false;
  if (where === ON_BOUNDARY) return true;
  for (let i = 1; i < rings.length; i++) {
    const hole = rings[i];
    if (hole && ringLocation(hole, lon, lat) === INSIDE) return false;
  }
  return true;
}
