/**
 * Geofence index benchmark (not a test): queries/s of `containing` with 0, 10,000 and 100,000
 * random geofences (half circles of 10 m–10 km, half star polygons of 8–32 points, a fifth of
 * them with a hole) spread over the contiguous US, for two point streams: uniform over the same
 * area (mostly misses) and points at a random geofence (every query has candidates).
 *
 *   node scripts/bootstrap.mjs run packages/geo/src/index.bench.ts [queries]
 */
import { createGeofenceIndex, type GeofenceIndex } from './geofence-index.js';
import { parseGeofenceShape } from './shape.js';
import type { GeofenceShape } from './types.js';

const AREA = { minLon: -125, maxLon: -66, minLat: 24, maxLat: 49 };
const QUERIES = Number(process.argv[2] ?? 200_000);
const M = 1 / 111_195;

/** mulberry32: a seeded generator, so that every run measures the same geofences and points. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function star(lon: number, lat: number, n: number, sizeM: number, rnd: () => number, fixed: boolean): number[][] {
  const k = Math.cos((lat * Math.PI) / 180);
  const ring: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const r = sizeM * (fixed ? 1 : 0.5 + rnd() * 0.5);
    ring.push([lon + (Math.cos(a) * r * M) / k, lat + Math.sin(a) * r * M]);
  }
  ring.push([...(ring[0] as number[])]);
  return ring;
}

function randomGeofences(count: number, rnd: () => number): GeofenceShape[] {
  const out: GeofenceShape[] = [];
  for (let i = 0; i < count; i++) {
    const lon = AREA.minLon + rnd() * (AREA.maxLon - AREA.minLon);
    const lat = AREA.minLat + rnd() * (AREA.maxLat - AREA.minLat);
    if (i % 2 === 0) {
      out.push(parseGeofenceShape({ type: 'circle', coordinates: [lon, lat], radius: 10 + rnd() * 9990 }));
      continue;
    }
    const size = 50 + rnd() * 4950;
    const rings = [star(lon, lat, 8 + Math.floor(rnd() * 25), size, rnd, false)];
    if (rnd() < 0.2) rings.push(star(lon, lat, 6, size * 0.2, rnd, true));
    out.push(parseGeofenceShape({ type: 'polygon', coordinates: rings }));
  }
  return out;
}

function uniformPoints(rnd: () => number): Float64Array {
  const pts = new Float64Array(QUERIES * 2);
  for (let i = 0; i < QUERIES; i++) {
    pts[2 * i] = AREA.minLon + rnd() * (AREA.maxLon - AREA.minLon);
    pts[2 * i + 1] = AREA.minLat + rnd() * (AREA.maxLat - AREA.minLat);
  }
  return pts;
}

/** Points within a few km of a random geofence's center: the stream of users at places. */
function placePoints(shapes: readonly GeofenceShape[], rnd: () => number): Float64Array {
  if (shapes.length === 0) return uniformPoints(rnd);
  const pts = new Float64Array(QUERIES * 2);
  for (let i = 0; i < QUERIES; i++) {
    const s = shapes[Math.floor(rnd() * shapes.length)] as GeofenceShape;
    const [lon, lat] = s.type === 'circle' ? s.coordinates : (s.coordinates[0]?.[0] ?? [0, 0]);
    pts[2 * i] = lon + (rnd() - 0.5) * 0.05;
    pts[2 * i + 1] = lat + (rnd() - 0.5) * 0.05;
  }
  return pts;
}

function measure(index: GeofenceIndex, pts: Float64Array): { qps: number; hits: number } {
  let hits = 0;
  for (let i = 0; i < Math.min(QUERIES, 20_000); i++) index.containing(pts[2 * i] as number, pts[2 * i + 1] as number); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < QUERIES; i++) hits += index.containing(pts[2 * i] as number, pts[2 * i + 1] as number).length;
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  return { qps: QUERIES / s, hits: hits / QUERIES };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const rnd = prng(0x9e0f);
process.stdout.write(`geofence index, ${fmt(QUERIES)} queries per row, Node ${process.versions.node}\n`);
process.stdout.write('geofences | build ms | uniform q/s | matches/q | at-places q/s | matches/q | q/s with 500 pending upserts\n');
for (const count of [0, 10_000, 100_000]) {
  const shapes = randomGeofences(count, rnd);
  const index = createGeofenceIndex();
  const t0 = process.hrtime.bigint();
  shapes.forEach((s, i) => index.upsert(`g${i}`, s));
  index.flush();
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const uniform = measure(index, uniformPoints(rnd));
  const places = placePoints(shapes, rnd);
  const atPlaces = measure(index, places);
  // The overlay path: fresh upserts answered before the next rebuild (never rebuilt here).
  const pending = createGeofenceIndex({ rebuildAfter: () => Infinity });
  shapes.forEach((s, i) => pending.upsert(`g${i}`, s));
  pending.flush();
  randomGeofences(500, rnd).forEach((s, i) => pending.upsert(`new${i}`, s));
  const overlay = measure(pending, places);
  process.stdout.write(
    `${fmt(count).padStart(9)} | ${buildMs.toFixed(0).padStart(8)} | ${fmt(uniform.qps).padStart(11)} | ${uniform.hits.toFixed(2).padStart(9)} | ${fmt(atPlaces.qps).padStart(13)} | ${atPlaces.hits.toFixed(2).padStart(9)} | ${fmt(overlay.qps).padStart(10)}\n`,
  );
}
