import type { GeofenceInput } from '@hookstream/location';

/** The area users move in and geofences cover: about 111 km × 71 km around 10°E 50°N. */
export const AREA = { minLon: 10, maxLon: 11, minLat: 50, maxLat: 51 };
export const BENCH_LOCATION_KEY = 'bench-location-key-0123456789';
export const LOCATION_SOURCES_YAML = `sources:
  - name: fleet
    provider: location
    auth: { type: api_key, keys: ["${BENCH_LOCATION_KEY}"] }
`;

/** A small deterministic PRNG (mulberry32), so every run places the same geofences and walks. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const M_PER_DEG_LAT = 111_320;

/**
 * `count` geofences over AREA: three in four circles of 50–500 m, one in four hexagons of about
 * 100–400 m. At 100,000 a point is inside about three of them, so walks cross many boundaries.
 */
export function benchGeofences(count: number, seed = 7): GeofenceInput[] {
  const rnd = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const lon = AREA.minLon + rnd() * (AREA.maxLon - AREA.minLon);
    const lat = AREA.minLat + rnd() * (AREA.maxLat - AREA.minLat);
    const base = { tag: `bench-${i % 16}`, externalId: `g-${i}`, description: null, metadata: null };
    if (i % 4 !== 3) return { ...base, shape: { type: 'circle', coordinates: [lon, lat], radius: 50 + rnd() * 450 } };
    const r = 100 + rnd() * 300;
    const ring: Array<[number, number]> = [];
    for (let k = 0; k < 6; k++) {
      const a = (k * Math.PI) / 3;
      ring.push([lon + (r * Math.cos(a)) / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180)), lat + (r * Math.sin(a)) / M_PER_DEG_LAT]);
    }
    ring.push(ring[0] as [number, number]);
    return { ...base, shape: { type: 'polygon', coordinates: [ring] } };
  });
}

/**
 * Radar Multiple Events bodies: each request carries 5 consecutive locations of one user (as
 * Radar groups them), users taking 50–150 m steps 10 s apart. Event ids are unique per run.
 */
export function benchRequests(users: number, requests: number, runTag: string, seed = 11): string[] {
  const rnd = prng(seed);
  const pos = Array.from({ length: users }, () => ({
    lon: AREA.minLon + 0.1 + rnd() * 0.8,
    lat: AREA.minLat + 0.1 + rnd() * 0.8,
    t: Date.parse('2026-01-01T00:00:00Z'),
  }));
  const out: string[] = [];
  for (let r = 0; r < requests; r++) {
    const u = r % users;
    const p = pos[u] as { lon: number; lat: number; t: number };
    const events = Array.from({ length: 5 }, (_, k) => {
      const step = 50 + rnd() * 100;
      const a = rnd() * 2 * Math.PI;
      p.lat += (step * Math.sin(a)) / M_PER_DEG_LAT;
      p.lon += (step * Math.cos(a)) / (M_PER_DEG_LAT * Math.cos((p.lat * Math.PI) / 180));
      p.t += 10_000;
      return {
        _id: `${runTag}-${r}-${k}`,
        type: 'user.updated_location',
        createdAt: new Date(p.t).toISOString(),
        live: true,
        location: { type: 'Point', coordinates: [p.lon, p.lat] },
        locationAccuracy: 10,
      };
    });
    out.push(JSON.stringify({ events, user: { userId: `user-${u}`, deviceId: `device-${u}` } }));
  }
  return out;
}
