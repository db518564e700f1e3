import { createGeofenceIndex, geofencesAt, nextPresence, parseGeofenceShape, type PresenceState, type UserPresence } from '@hookstream/geo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refHeaders, startLocationFleet, type LocationFleet } from '../support/location-fleet.js';

const BASE = Date.parse('2026-02-01T00:00:00Z');
const USERS = 12;
const STEPS = 40;

/** A deterministic PRNG (mulberry32): the same walks every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Point {
  id: string;
  userId: string;
  t: number;
  lon: number;
  lat: number;
}

/** Circles over a small area, so walks of 12 users cross many of them. */
const GEOFENCES = Array.from({ length: 30 }, (_, i) => {
  const rnd = prng(100 + i);
  return {
    externalId: `c${i}`,
    shape: { type: 'circle' as const, coordinates: [5 + rnd() * 0.02, 45 + rnd() * 0.02] as [number, number], radius: 100 + rnd() * 400 },
  };
});

function walks(): Point[] {
  const rnd = prng(42);
  const out: Point[] = [];
  for (let u = 0; u < USERS; u++) {
    let lon = 5 + rnd() * 0.02;
    let lat = 45 + rnd() * 0.02;
    for (let s = 0; s < STEPS; s++) {
      lon += (rnd() - 0.5) * 0.003;
      lat += (rnd() - 0.5) * 0.003;
      out.push({ id: `w-${u}-${s}`, userId: `walker-${u}`, t: BASE + s * 30_000, lon, lat });
    }
  }
  return out;
}

/** What a clean, in-order replay must produce: the pure state machine over each user's points by time. */
function expectedCrossings(points: readonly Point[]): string[] {
  const index = createGeofenceIndex();
  for (const g of GEOFENCES) index.upsert(g.externalId, parseGeofenceShape(g.shape));
  const out: string[] = [];
  const byUser = new Map<string, Point[]>();
  for (const p of points) byUser.set(p.userId, [...(byUser.get(p.userId) ?? []), p]);
  for (const [userId, list] of byUser) {
    let presence: UserPresence = { lastRecordedAt: null, geofences: new Map<string, PresenceState>() };
    for (const p of [...list].sort((a, b) => a.t - b.t)) {
      const r = nextPresence(presence, { recordedAt: p.t, lon: p.lon, lat: p.lat }, geofencesAt(index, p.lon, p.lat), { dwellMs: 120_000 });
      presence = r.presence;
      for (const e of r.events) out.push(`${userId} ${e.geofenceId} ${e.type} ${e.recordedAt}`);
    }
  }
  return out.sort();
}

const post = (fleet: LocationFleet, p: Point) =>
  fleet.post(
    'ref',
    {
      id: p.id,
      created_at: new Date(p.t).toISOString(),
      type: 'user.updated_location',
      MMUserId: p.userId,
      location: { type: 'Point', coordinates: [p.lon, p.lat] },
    },
    refHeaders(),
  );

let fleet: LocationFleet;
beforeAll(async () => {
  fleet = await startLocationFleet({ processors: 2, env: { GEOFENCE_DWELL_MS: '120000' } });
});
afterAll(async () => {
  await fleet?.stop();
});

describe('geofence crossings with two replicas', () => {
  it('match a clean replay exactly: each crossing once, whatever duplicates, late arrivals and redeliveries', async () => {
    for (const g of GEOFENCES) expect((await fleet.api(`/geofences/walk/${g.externalId}`, { method: 'PUT', body: g.shape, admin: true })).status).toBe(201);
    await fleet.geofencesSynced();
    const points = walks();
    // Every point once, in a shuffled order within each user's stream of requests (late
    // arrivals), some twice (a sender's retry), concurrently across users.
    const rnd = prng(7);
    const order = points.map((p) => ({ p, k: p.t + rnd() * 90_000 })).sort((a, b) => a.k - b.k);
    const sends = order.flatMap(({ p }) => (rnd() < 0.15 ? [p, p] : [p]));
    for (let i = 0; i < sends.length; i += 24) {
      const replies = await Promise.all(sends.slice(i, i + 24).map((p) => post(fleet, p)));
      expect(replies.every((r) => r.status === 200)).toBe(true);
    }
    await fleet.drained();
    // Kafka bringing half of everything again (a rebalance before the commit) adds nothing.
    await fleet.reproduce(fleet.published.filter((_, i) => i % 2 === 0));
    await fleet.drained();

    const rows = await fleet.query(
      `SELECT e.user_id, g.external_id, e.type, e.occurred_at FROM geofence_events e JOIN geofences g ON g.id = e.geofence_id ORDER BY e.id`,
    );
    const stored = rows.map((r) => `${String(r.user_id)} ${String(r.external_id)} ${String(r.type)} ${Number(r.occurred_at)}`).sort();
    // Processing order is each user's partition order, which the ledger's ids record; late
    // points in that order change nothing, so the stored crossings are the replay of the rest.
    const ledger = (await fleet.rows()).filter((r) => !r.eventId.startsWith('gf:'));
    const byId = new Map(points.map((p) => [p.id, p]));
    const processed = acceptedInArrivalOrder(ledger.map((r) => byId.get(r.eventId) as Point));
    expect(stored).toEqual(expectedCrossings(processed));
    expect(stored.length).toBeGreaterThan(10);
    const points_ = await fleet.query('SELECT COUNT(*) AS n FROM location_points');
    expect(Number(points_[0]?.n)).toBe(points.length);
  });
});

/** The points that moved their user forward when processed in this order (the others were late). */
function acceptedInArrivalOrder(arrival: readonly Point[]): Point[] {
  const last = new Map<string, number>();
  return arrival.filter((p) => {
    const before = last.get(p.userId);
    if (before !== undefined && p.t <= before) return false;
    last.set(p.userId, p.t);
    return true;
  });
}
