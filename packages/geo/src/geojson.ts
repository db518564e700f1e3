import { EARTH_RADIUS_M } from './haversine.js';
import type { GeofenceShape, Position } from './types.js';

export interface PointGeometry {
  type: 'Point';
  coordinates: [number, number];
}
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: [number, number][][];
}
export interface GeofenceFeature<P> {
  type: 'Feature';
  geometry: PointGeometry | PolygonGeometry;
  properties: P & { shape: 'circle' | 'polygon'; radius?: number };
}

/**
 * A geofence as a GeoJSON Feature. GeoJSON has no circle, so a circle is its center Point with
 * `radius` (meters) in the properties: lossless, unlike a polygon approximation (see
 * circleToRing for drawing one).
 */
export function toFeature<P extends object>(shape: GeofenceShape, properties: P): GeofenceFeature<P> {
  if (shape.type === 'circle') {
    return {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [...shape.coordinates] },
      properties: { ...properties, shape: 'circle', radius: shape.radius },
    };
  }
  const coordinates = shape.coordinates.map((ring) => ring.map((p): [number, number] => [p[0], p[1]]));
  return { type: 'Feature', geometry: { type: 'Polygon', coordinates }, properties: { ...properties, shape: 'polygon' } };
}

/**
 * A closed ring of `steps` points around a circle (destination-point formula on the same
 * sphere), for maps. Longitudes are left continuous across the antimeridian (may exceed ±180),
 * which is what map libraries draw correctly; not meant to be fed back as a geofence.
 */
export function circleToRing(center: Position, radiusM: number, steps = 64): [number, number][] {
  const rad = Math.PI / 180;
  const [lon, lat] = center;
  const phi = lat * rad;
  const delta = radiusM / EARTH_RADIUS_M;
  const ring: [number, number][] = [];
  for (let i = 0; i < steps; i++) {
    const theta = (-2 * Math.PI * i) / steps; // counter-clockwise, as RFC 7946 wants outer rings
    const phi2 = Math.asin(Math.sin(phi) * Math.cos(delta) + Math.cos(phi) * Math.sin(delta) * Math.cos(theta));
    const dLon = Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi), Math.cos(delta) - Math.sin(phi) * Math.sin(phi2));
    ring.push([lon + dLon / rad, phi2 / rad]);
  }
  const first = ring[0];
  if (first) ring.push([first[0], first[1]]);
  return ring;
}
