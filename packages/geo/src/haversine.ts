/** Mean Earth radius (IUGG R1), the sphere every distance and bounding box in this package uses. */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;

/**
 * Great-circle distance in meters between two [lon, lat] points (degrees), by the Haversine
 * formula on a sphere of EARTH_RADIUS_M. Arguments are in GeoJSON order (longitude first), like
 * every function here: mixing up the axis order is the classic geofencing bug.
 */
export function haversineMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const s = Math.sin(dLat / 2);
  const t = Math.sin(dLon / 2);
  const a = s * s + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * t * t;
  // min(1, ...): rounding can push `a` a hair above 1 for antipodal points, and asin(>1) is NaN.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}
