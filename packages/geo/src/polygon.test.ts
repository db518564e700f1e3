import { describe, expect, it } from 'vitest';
import { shapeContains } from './contains.js';
import { INSIDE, ON_BOUNDARY, OUTSIDE, polygonContains, ringLocation } from './polygon.js';
import type { Ring } from './types.js';

const box = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
const outer = box(0, 0, 10, 10);
const hole = box(3, 3, 6, 6);
// A concave "U": the notch between x 4..6 above y 4 is outside.
const u: Ring = [
  [0, 0],
  [10, 0],
  [10, 10],
  [6, 10],
  [6, 4],
  [4, 4],
  [4, 10],
  [0, 10],
  [0, 0],
];

describe('ringLocation', () => {
  it('inside, outside, and on edges and vertices', () => {
    expect(ringLocation(outer, 5, 5)).toBe(INSIDE);
    expect(ringLocation(outer, 11, 5)).toBe(OUTSIDE);
    expect(ringLocation(outer, -0.000001, 5)).toBe(OUTSIDE);
    for (const [x, y] of [
      [0, 5],
      [10, 5],
      [5, 0],
      [5, 10],
      [0, 0],
      [10, 10],
    ] as const)
      expect(ringLocation(outer, x, y)).toBe(ON_BOUNDARY);
  });

  it('is independent of orientation', () => {
    const cw = [...outer].reverse();
    for (const [x, y] of [
      [5, 5],
      [11, 5],
      [0, 5],
    ] as const)
      expect(ringLocation(cw, x, y)).toBe(ringLocation(outer, x, y));
  });

  it('counts a ray through a vertex once (concave ring)', () => {
    expect(ringLocation(u, 5, 7)).toBe(OUTSIDE); // in the notch
    expect(ringLocation(u, 2, 4)).toBe(INSIDE); // the ray runs along the notch's bottom edge
    expect(ringLocation(u, -1, 4)).toBe(OUTSIDE);
    expect(ringLocation(u, 2, 10)).toBe(ON_BOUNDARY);
    expect(ringLocation(u, 5, 4)).toBe(ON_BOUNDARY);
    expect(ringLocation(u, -1, 10)).toBe(OUTSIDE); // the ray runs along the top edges
  });

  it('diagonal edges: points on them are on the boundary', () => {
    const tri: Ring = [
      [0, 0],
      [4, 0],
      [0, 4],
      [0, 0],
    ];
    expect(ringLocation(tri, 2, 2)).toBe(ON_BOUNDARY);
    expect(ringLocation(tri, 1.999, 1.999)).toBe(INSIDE);
    expect(ringLocation(tri, 2.001, 2)).toBe(OUTSIDE);
  });
});

describe('polygonContains with holes: a closed set', () => {
  it('the hole is out, its boundary and the outer boundary are in', () => {
    expect(polygonContains([outer, hole], 1, 1)).toBe(true);
    expect(polygonContains([outer, hole], 4.5, 4.5)).toBe(false);
    expect(polygonContains([outer, hole], 3, 4.5)).toBe(true); // on the hole's edge
    expect(polygonContains([outer, hole], 6, 6)).toBe(true); // the hole's vertex
    expect(polygonContains([outer, hole], 0, 4.5)).toBe(true);
    expect(polygonContains([outer, hole], 10.5, 4.5)).toBe(false);
  });

  it('several holes', () => {
    const rings = [outer, box(1, 1, 2, 2), box(7, 7, 9, 9)];
    expect(polygonContains(rings, 1.5, 1.5)).toBe(false);
    expect(polygonContains(rings, 8, 8)).toBe(false);
    expect(polygonContains(rings, 5, 5)).toBe(true);
  });

  it('through shapeContains, with real coordinates (lon first)', () => {
    const park = { type: 'polygon' as const, coordinates: [box(-73.981, 40.768, -73.958, 40.8), box(-73.97, 40.78, -73.965, 40.785)] };
    expect(shapeContains(park, -73.975, 40.775)).toBe(true);
    expect(shapeContains(park, 40.775, -73.975)).toBe(false);
    expect(shapeContains(park, -73.967, 40.782)).toBe(false); // the reservoir
  });
});

describe('shapeContains for circles: Haversine, rim included', () => {
  it('in, on the rim, out', () => {
    const c = { type: 'circle' as const, coordinates: [0, 0] as const, radius: 1000 };
    const degPerMeter = 1 / 111_195.08;
    expect(shapeContains(c, 0, 999 * degPerMeter)).toBe(true);
    expect(shapeContains(c, 0, 1001 * degPerMeter)).toBe(false);
    expect(shapeContains({ ...c, coordinates: [179.995, 0] }, -179.999, 0)).toBe(true);
  });
});
