import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boxContains, circleBoxes } from './bbox.js';
import { circleToRing } from './geojson.js';
import { haversineMeters } from './haversine.js';

const inAnyBox = (boxes: ReturnType<typeof circleBoxes>, lon: number, lat: number): boolean => boxes.some((b) => boxContains(b, lon, lat));
const wrap = (lon: number): number => ((((lon + 180) % 360) + 360) % 360) - 180;

describe('circleBoxes', () => {
  it('one box off the equator is wider in longitude than in latitude', () => {
    const [b, more] = circleBoxes([10, 60], 10_000);
    expect(more).toBeUndefined();
    expect(b && (b.maxLon - b.minLon) / (b.maxLat - b.minLat)).toBeCloseTo(2, 2);
  });

  it('splits across the antimeridian, on both sides', () => {
    expect(circleBoxes([179.99, 0], 5000).map((b) => [b.minLon < 0, b.maxLon])).toEqual([
      [false, 180],
      [true, expect.any(Number)],
    ]);
    expect(circleBoxes([-180, 0], 5000)).toHaveLength(2);
    expect(circleBoxes([180, 0], 5000)).toHaveLength(2);
  });

  it('covers every longitude when the cap reaches a pole', () => {
    expect(circleBoxes([42, 89.95], 10_000)).toEqual([{ minLon: -180, minLat: expect.any(Number), maxLon: 180, maxLat: 90 }]);
    expect(circleBoxes([-42, -90], 10)).toEqual([{ minLon: -180, minLat: -90, maxLon: 180, maxLat: expect.any(Number) }]);
  });

  it('never misses a point of the circle, its edge included (polar and antimeridian circles too)', () => {
    const lonArb = fc.oneof(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: 179, max: 180, noNaN: true }), fc.constantFrom(-180, 180));
    const latArb = fc.oneof(
      fc.double({ min: -90, max: 90, noNaN: true }),
      fc.double({ min: 89.8, max: 90, noNaN: true }),
      fc.double({ min: -90, max: -89.8, noNaN: true }),
    );
    fc.assert(
      fc.property(lonArb, latArb, fc.double({ min: 10, max: 10_000, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (lon, lat, radius, f) => {
        const boxes = circleBoxes([lon, lat], radius);
        // Points on the rim (f = 1) and inside, all around the circle.
        for (const [x, y] of circleToRing([lon, lat], radius * f, 72)) {
          const px = wrap(x);
          if (haversineMeters(lon, lat, px, y) <= radius && !inAnyBox(boxes, px, y)) return false;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
