import { describe, expect, it } from 'vitest';
import { circleToRing, toFeature } from './geojson.js';
import { haversineMeters } from './haversine.js';
import { parseGeofenceShape } from './shape.js';

describe('GeoJSON helpers', () => {
  it('a circle is a Point Feature with its radius; a polygon keeps its rings', () => {
    const circle = parseGeofenceShape({ type: 'circle', coordinates: [-73.99, 40.73], radius: 250 });
    expect(toFeature(circle, { id: 'store/1' })).toEqual({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [-73.99, 40.73] },
      properties: { id: 'store/1', shape: 'circle', radius: 250 },
    });
    const ring = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    expect(toFeature(parseGeofenceShape({ type: 'polygon', coordinates: [ring] }), {}).geometry).toEqual({ type: 'Polygon', coordinates: [ring] });
  });

  it('circleToRing: a closed ring of points at the radius', () => {
    const ring = circleToRing([10, 60], 1000, 32);
    expect(ring).toHaveLength(33);
    expect(ring[32]).toEqual(ring[0]);
    for (const [lon, lat] of ring) expect(haversineMeters(10, 60, lon, lat)).toBeCloseTo(1000, 6);
  });
});
