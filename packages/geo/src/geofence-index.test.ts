import { describe, expect, it } from 'vitest';
import { createGeofenceIndex } from './geofence-index.js';
import { parseGeofenceShape } from './shape.js';
import type { GeofenceShape } from './types.js';

const circle = (lon: number, lat: number, radius: number): GeofenceShape => parseGeofenceShape({ type: 'circle', coordinates: [lon, lat], radius });
const square = (x0: number, y0: number, size: number): GeofenceShape =>
  parseGeofenceShape({
    type: 'polygon',
    coordinates: [
      [
        [x0, y0],
        [x0 + size, y0],
        [x0 + size, y0 + size],
        [x0, y0 + size],
        [x0, y0],
      ],
    ],
  });
const sorted = (ids: string[]): string[] => [...ids].sort();

describe('createGeofenceIndex', () => {
  it('an empty index answers nothing', () => {
    const index = createGeofenceIndex();
    expect(index.containing(0, 0)).toEqual([]);
    expect(index.near(0, 0, 50)).toEqual([]);
    expect(index.size()).toBe(0);
    index.flush();
    expect(index.containing(0, 0)).toEqual([]);
  });

  it('finds overlapping circles and polygons, by exact test after the box', () => {
    const index = createGeofenceIndex();
    index.upsert('a', circle(0, 0, 1000));
    index.upsert('b', circle(0.005, 0, 1000));
    index.upsert('sq', square(-0.001, -0.001, 0.002));
    expect(sorted(index.containing(0.001, 0))).toEqual(['a', 'b', 'sq']);
    // Inside a's box but outside the circle (the box's corner).
    expect(index.containing(-0.0085, 0.0085)).toEqual([]);
    expect(index.size()).toBe(3);
    expect(index.get('a')).toEqual(circle(0, 0, 1000));
    expect(index.has('zz')).toBe(false);
  });

  it('an upsert or removal is visible to the very next query, before and after a rebuild', () => {
    const index = createGeofenceIndex({ rebuildAfter: () => 2 });
    index.upsert('a', circle(10, 10, 100));
    expect(index.containing(10, 10)).toEqual(['a']);
    index.flush();
    index.upsert('a', circle(20, 20, 100)); // moved: the old version in the tree is dead
    expect(index.containing(10, 10)).toEqual([]);
    expect(index.containing(20, 20)).toEqual(['a']);
    for (let i = 0; i < 10; i++) index.upsert(`g${i}`, circle(20, 20, 50 + i));
    expect(index.containing(20, 20)).toHaveLength(11);
    expect(index.remove('g3')).toBe(true);
    expect(index.remove('g3')).toBe(false);
    expect(index.containing(20, 20)).toHaveLength(10);
    expect(index.size()).toBe(10);
  });

  it('circles across the antimeridian and over a pole', () => {
    const index = createGeofenceIndex();
    index.upsert('date-line', circle(179.99, 0, 5000));
    index.upsert('north-pole', circle(0, 89.99, 5000));
    expect(index.containing(-179.99, 0)).toEqual(['date-line']);
    expect(index.containing(180, 0)).toEqual(['date-line']);
    expect(index.containing(-180, 0)).toEqual(['date-line']);
    expect(index.containing(135, 89.99)).toEqual(['north-pole']);
    expect(index.containing(-180, 90)).toEqual(['north-pole']);
  });

  it('near: within the margin of a circle or a polygon edge', () => {
    const index = createGeofenceIndex();
    index.upsert('c', circle(0, 0, 100));
    index.upsert('sq', square(1, 1, 0.01));
    const m = 1 / 111_195.08; // degrees of latitude per meter
    expect(index.containing(0, 110 * m)).toEqual([]);
    expect(index.near(0, 110 * m, 20)).toEqual(['c']);
    expect(index.near(0, 130 * m, 20)).toEqual([]);
    expect(index.near(1.005, 1 - 15 * m, 20)).toEqual(['sq']);
    expect(index.near(1.005, 1 - 25 * m, 20)).toEqual([]);
    expect(index.near(0, 0, 0)).toEqual(['c']);
  });
});
