import fc from 'fast-check';
import { describe, it } from 'vitest';
import { metersOutside, shapeContains } from './contains.js';
import { circleToRing } from './geojson.js';
import { createGeofenceIndex } from './geofence-index.js';
import { parseGeofenceShape } from './shape.js';
import type { GeofenceShape, Position } from './types.js';

// Geofences cluster in a few regions, so that they overlap and points hit several at once; two
// regions sit on the antimeridian and at a pole, where boxes are easiest to get wrong.
const regions = [
  { lon: [-0.3, 0.1], lat: [51.3, 51.7] },
  { lon: [179.5, 180], lat: [-0.5, 0.5] },
  { lon: [-180, -179.5], lat: [-0.5, 0.5] },
  { lon: [-180, 180], lat: [89.5, 90] },
] as const;

const center = fc
  .tuple(fc.constantFrom(...regions), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([r, u, v]): Position => [r.lon[0] + u * (r.lon[1] - r.lon[0]), r.lat[0] + v * (r.lat[1] - r.lat[0])]);

const circleArb = fc
  .tuple(center, fc.double({ min: 10, max: 10_000, noNaN: true }))
  .map(([c, radius]) => parseGeofenceShape({ type: 'circle', coordinates: c, radius }));

/** A star-shaped ring (never self-intersecting) of `n` points around `c`, radii in degrees. */
function star(c: Position, radii: readonly number[], scale: number): number[][] {
  const ring = radii.map((r, i) => {
    const a = (2 * Math.PI * i) / radii.length;
    return [c[0] + Math.cos(a) * r * scale, c[1] + Math.sin(a) * r * scale];
  });
  ring.push(ring[0] as number[]);
  return ring;
}

// Polygons stay off the antimeridian and the poles: crossing them is refused at parse time.
const polygonArb = fc
  .tuple(
    center.map(([x, y]): Position => [Math.max(-179.8, Math.min(179.8, x)), Math.max(-89.8, Math.min(89.8, y))]),
    fc.array(fc.double({ min: 0.4, max: 1, noNaN: true }), { minLength: 3, maxLength: 24 }),
    fc.double({ min: 0.001, max: 0.1, noNaN: true }),
    fc.boolean(),
  )
  .map(([c, radii, size, withHole]) => {
    // The hole is a smaller star well inside the outer: a star of radii >= 0.4 keeps its edges >= 0.2 from the center.
    const rings = withHole ? [star(c, radii, size), star(c, [1, 1, 1, 1, 1, 1], size * 0.1)] : [star(c, radii, size)];
    return parseGeofenceShape({ type: 'polygon', coordinates: rings });
  });

const geofenceArb: fc.Arbitrary<GeofenceShape> = fc.oneof(circleArb, polygonArb);

/** A point spec resolved against the generated geofences: anywhere in a region, or on/near a boundary. */
const pointSpec = fc.oneof(
  center.map((p) => ({ kind: 'free' as const, p })),
  fc.record({
    kind: fc.constant('edge' as const),
    g: fc.nat(),
    k: fc.nat(),
    t: fc.double({ min: 0, max: 1, noNaN: true }),
    jitter: fc.constantFrom(0, 1e-12, -1e-12, 1e-7, -1e-7, 1e-5),
  }),
);
type PointSpec = typeof pointSpec extends fc.Arbitrary<infer T> ? T : never;

function resolve(spec: PointSpec, shapes: readonly GeofenceShape[]): Position {
  if (spec.kind === 'free') return spec.p;
  const shape = shapes[spec.g % shapes.length];
  if (!shape) return [0, 0];
  // A point on the boundary (a rim point, a vertex, or along an edge), nudged by `jitter`.
  const ring = shape.type === 'circle' ? circleToRing(shape.coordinates, shape.radius, 16) : (shape.coordinates[spec.k % shape.coordinates.length] ?? []);
  const i = spec.k % Math.max(1, ring.length - 1);
  const a = ring[i] ?? [0, 0];
  const b = ring[i + 1] ?? a;
  const lon = a[0] + spec.t * (b[0] - a[0]) + spec.jitter;
  const lat = a[1] + spec.t * (b[1] - a[1]) - spec.jitter;
  return [((((lon + 180) % 360) + 360) % 360) - 180, Math.max(-90, Math.min(90, lat))];
}

const bruteContaining = (shapes: ReadonlyMap<string, GeofenceShape>, [lon, lat]: Position): string[] =>
  [...shapes].filter(([, s]) => shapeContains(s, lon, lat)).map(([id]) => id);
const sorted = (ids: string[]): string[] => [...ids].sort();
// Shrinking thousands of points can run for minutes; past this, the failure is reported as
// shrunk so far (a passing run takes a few seconds).
const bounded = { interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true };

describe('geofence index against a brute-force scan (property)', () => {
  it('containing = every geofence whose exact test passes, for a few hundred geofences × thousands of points', () => {
    fc.assert(
      fc.property(fc.array(geofenceArb, { minLength: 200, maxLength: 300 }), fc.array(pointSpec, { minLength: 2000, maxLength: 2500 }), (list, specs) => {
        const index = createGeofenceIndex();
        const model = new Map(list.map((s, i) => [`g${i}`, s] as const));
        for (const [id, s] of model) index.upsert(id, s);
        let hits = 0;
        for (const spec of specs) {
          const p = resolve(spec, list);
          const want = sorted(bruteContaining(model, p));
          // A boolean, not expect(): a failing case then costs one mismatch, and shrinking stays fast.
          if (sorted(index.containing(p[0], p[1])).join() !== want.join()) return false;
          hits += want.length;
        }
        // The generators must really exercise matches, not only empty answers.
        return hits > 0;
      }),
      { numRuns: 6, ...bounded },
    );
  }, 120_000);

  it('stays equal to the scan through upserts, moves and removals, across rebuilds and the overlay', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('upsert' as const), id: fc.nat({ max: 60 }), shape: geofenceArb }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.nat({ max: 60 }) }),
      fc.record({ kind: fc.constant('query' as const), spec: pointSpec, margin: fc.constantFrom(0, 0, 5, 50) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(op, { minLength: 50, maxLength: 400 }), (threshold, ops) => {
        const index = createGeofenceIndex({ rebuildAfter: () => threshold });
        const model = new Map<string, GeofenceShape>();
        for (const o of ops) {
          if (o.kind === 'upsert') {
            index.upsert(`g${o.id}`, o.shape);
            model.set(`g${o.id}`, o.shape);
          } else if (o.kind === 'remove') {
            if (index.remove(`g${o.id}`) !== model.delete(`g${o.id}`)) return false;
          } else {
            const [lon, lat] = resolve(o.spec, [...model.values()]);
            if (sorted(index.containing(lon, lat)).join() !== sorted(bruteContaining(model, [lon, lat])).join()) return false;
            const near = [...model].filter(([, s]) => metersOutside(s, lon, lat) <= o.margin).map(([id]) => id);
            if (sorted(index.near(lon, lat, o.margin)).join() !== sorted(near).join()) return false;
          }
          if (index.size() !== model.size) return false;
        }
        return true;
      }),
      { numRuns: 60, ...bounded },
    );
  }, 120_000);
});
