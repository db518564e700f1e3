import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { radarHeaders, refHeaders, startLocationFleet, type LocationFleet } from '../support/location-fleet.js';
import { waitUntil } from '../support/wait.js';

const BASE = Date.parse('2026-01-01T00:00:00Z');
const at = (sec: number): string => new Date(BASE + sec * 1000).toISOString();
const INSIDE = { lon: 10.0001, lat: 50.0001 };
const OUTSIDE = { lon: 10.01, lat: 50 };

/** The reference system's record, strings for numbers and booleans, as its sample sends them. */
function refEvent(id: string, userId: string, sec: number, pos: { lon: number; lat: number }, trip?: Record<string, unknown>): Record<string, unknown> {
  return {
    id,
    created_at: at(sec),
    live: 'TRUE',
    type: 'user.updated_trip',
    MMUserId: userId,
    location: { type: 'Point', coordinates: { longitude: String(pos.lon), latitude: String(pos.lat) } },
    ...(trip ? { trip } : {}),
  };
}

function radarEvent(id: string, type: string, sec: number, pos: { lon: number; lat: number }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { _id: id, type, createdAt: at(sec), live: true, location: { type: 'Point', coordinates: [pos.lon, pos.lat] }, locationAccuracy: 5, ...extra };
}

let fleet: LocationFleet;

beforeAll(async () => {
  fleet = await startLocationFleet({ env: { GEOFENCE_DWELL_MS: '60000' } });
});
afterAll(async () => {
  await fleet?.stop();
});

describe('location webhooks end to end', () => {
  it('stores the reference shape: ledger row, track point, the user latest and its trip', async () => {
    const trip = { _id: 'trip-ref-1', externalId: 'ext-1', startedAt: at(0), metadata: { route_session_type: 'r1' } };
    const r = await fleet.post('ref', refEvent('ref-evt-1', 'user-ref', 10, OUTSIDE, trip), refHeaders());
    expect(r.status).toBe(200);
    await fleet.post(
      'ref',
      { ...refEvent('ref-evt-2', 'user-ref', 20, INSIDE, { ...trip, status: 'arrived' }), type: 'user.arrived_at_trip_destination' },
      refHeaders(),
    );
    await fleet.drained();

    const rows = (await fleet.rows()).filter((row) => row.subject === 'user-ref');
    expect(rows.map((row) => [row.source, row.type, row.eventId, row.occurredAt])).toEqual([
      ['ref', 'user.updated_trip', 'ref-evt-1', BASE + 10_000],
      ['ref', 'user.arrived_at_trip_destination', 'ref-evt-2', BASE + 20_000],
    ]);
    const user = await fleet.api('/location/users/user-ref');
    expect(user.status).toBe(200);
    expect(user.json).toMatchObject({
      source: 'ref',
      userId: 'user-ref',
      live: true,
      tripId: 'trip-ref-1',
      location: { lat: INSIDE.lat, lon: INSIDE.lon, recordedAt: at(20) },
    });

    const track = await fleet.api(`/location/users/user-ref/track?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(60))}`);
    expect(track.json.type).toBe('FeatureCollection');
    const features = track.json.features as Array<{ geometry: { type: string; coordinates: unknown } }>;
    expect(features[0]?.geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [OUTSIDE.lon, OUTSIDE.lat],
        [INSIDE.lon, INSIDE.lat],
      ],
    });
    expect(features.slice(1).map((f) => f.geometry.type)).toEqual(['Point', 'Point']);

    const t = await fleet.api('/location/trips/trip-ref-1');
    expect(t.json).toMatchObject({
      tripId: 'trip-ref-1',
      externalId: 'ext-1',
      userId: 'user-ref',
      status: 'arrived',
      metadata: { route_session_type: 'r1' },
      startedAt: at(0),
    });
    expect((t.json.transitions as Array<{ status: string }>).map((x) => x.status)).toEqual(['started', 'arrived']);
  });

  it("takes Radar's single and multiple events, signed, one message per event keyed by the user", async () => {
    const user = { _id: 'radar-internal-9', userId: 'user-radar', deviceId: 'dev-1' };
    const single = await fleet.post(
      'radar',
      { event: radarEvent('rdr-1', 'user.started_trip', 5, OUTSIDE, { trip: { _id: 'trip-r', externalId: 'x' } }), user },
      radarHeaders('rdr-1'),
    );
    expect(single.status).toBe(200);
    const before = fleet.published.length;
    const multi = await fleet.post(
      'radar',
      {
        events: [
          radarEvent('rdr-2', 'user.updated_trip', 6, OUTSIDE),
          radarEvent('rdr-3', 'user.approaching_trip_destination', 7, OUTSIDE, { trip: { _id: 'trip-r' } }),
        ],
        user,
      },
      radarHeaders('rdr-2'),
    );
    expect(multi.status).toBe(200);
    expect(fleet.published.slice(before).map((m) => m.key)).toEqual(['radar:user-radar', 'radar:user-radar']);
    await fleet.drained();
    const rows = (await fleet.rows()).filter((r) => r.subject === 'user-radar');
    expect(rows.map((r) => r.eventId)).toEqual(['rdr-1', 'rdr-2', 'rdr-3']);
    expect((await fleet.api('/location/users/user-radar')).json).toMatchObject({ deviceId: 'dev-1', location: { recordedAt: at(7) } });
    expect((await fleet.api('/location/trips/trip-r')).json).toMatchObject({ status: 'approaching' });
    expect((await fleet.api('/events?provider=location&userId=user-radar')).json.events).toHaveLength(3);
  });

  it('refuses bad positions and credentials with the field named, and produces nothing', async () => {
    const before = fleet.published.length;
    const cases: Array<[unknown, string, string]> = [
      [
        { ...refEvent('bad-1', 'u', 1, INSIDE), location: { type: 'Point', coordinates: { longitude: '10', latitude: '95' } } },
        '/location/coordinates/latitude',
        'between -90 and 90',
      ],
      [
        { ...refEvent('bad-2', 'u', 1, INSIDE), location: { type: 'Point', coordinates: { longitude: 'NaN', latitude: '5' } } },
        '/location/coordinates/longitude',
        'finite',
      ],
      [{ ...refEvent('bad-3', 'u', 1, INSIDE), location: undefined }, '/location', 'required for user.updated_trip'],
    ];
    for (const [body, path, text] of cases) {
      const r = await fleet.post('ref', body, refHeaders());
      expect(r.status).toBe(422);
      expect(r.json.errors?.[0]?.path).toBe(path);
      expect(r.json.errors?.[0]?.message).toContain(text);
    }
    const radar = await fleet.post(
      'radar',
      { events: [radarEvent('ok', 'user.updated_trip', 1, INSIDE), radarEvent('bad', 'user.updated_trip', 1, { lon: 200, lat: 1 })], user: { userId: 'u' } },
      radarHeaders('x'),
    );
    expect(radar.status).toBe(422);
    expect(radar.json.errors?.[0]?.path).toBe('/events/1/location/coordinates/0');
    expect(
      (
        await fleet.post(
          'radar',
          { event: radarEvent('s', 'user.updated_trip', 1, INSIDE), user: { userId: 'u' } },
          radarHeaders('s', 'wrong-token-0000000000'),
        )
      ).status,
    ).toBe(401);
    expect((await fleet.post('ref', refEvent('k', 'u', 1, INSIDE), refHeaders('wrong-key-00000000000'))).status).toBe(401);
    expect((await fleet.post('nope', refEvent('k', 'u', 1, INSIDE), refHeaders())).status).toBe(404);
    expect(fleet.published.length).toBe(before);
  });

  it('manages geofences: admin-only changes, 422 for bad shapes, list and read for readers', async () => {
    const circle = { description: 'depot', type: 'circle', coordinates: [10, 50], radius: 100 };
    expect((await fleet.api('/geofences/depots/d1', { method: 'PUT', body: circle })).status).toBe(403);
    const created = await fleet.api('/geofences/depots/d1', { method: 'PUT', body: circle, admin: true });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ tag: 'depots', externalId: 'd1', type: 'circle', coordinates: [10, 50], radius: 100, description: 'depot' });
    expect((await fleet.api('/geofences/depots/d1', { method: 'PUT', body: circle, admin: true })).status).toBe(200);
    const open = await fleet.api('/geofences/zones/open', {
      method: 'PUT',
      body: {
        type: 'polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0.5],
          ],
        ],
      },
      admin: true,
    });
    expect(open.status).toBe(422);
    expect(open.json.message).toContain('not closed');
    expect((await fleet.api('/geofences/depots/d2', { method: 'PUT', body: { ...circle, radius: 5 }, admin: true })).status).toBe(422);
    const listed = await fleet.api('/geofences?tag=depots');
    expect((listed.json.geofences as Array<{ externalId: string }>).map((g) => g.externalId)).toEqual(['d1']);
    expect((await fleet.api('/geofences/depots/d1')).json).toMatchObject({ radius: 100 });
    await fleet.api('/geofences/tmp/t1', { method: 'PUT', body: circle, admin: true });
    expect((await fleet.api('/geofences/tmp/t1', { method: 'DELETE', admin: true })).status).toBe(204);
    expect((await fleet.api('/geofences/tmp/t1')).status).toBe(404);
    expect((await fleet.api('/geofences/tmp/t1', { method: 'DELETE', admin: true })).status).toBe(404);
  });

  it('emits entered, dwelled and exited exactly once per crossing, despite duplicates and late locations', async () => {
    await fleet.api('/geofences/depots/d1', { method: 'PUT', body: { type: 'circle', coordinates: [10, 50], radius: 100 }, admin: true });
    await fleet.geofencesSynced();
    const post = (id: string, sec: number, pos: { lon: number; lat: number }) => fleet.post('ref', refEvent(id, 'user-geo', sec, pos), refHeaders());
    await post('g-1', 100, OUTSIDE);
    await post('g-2', 110, INSIDE); // entry
    await post('g-2', 110, INSIDE); // the same event again: a duplicate
    await post('g-late', 105, OUTSIDE); // recorded before g-2: late, changes nothing
    await post('g-3', 120, INSIDE); // still inside, 10 s: no dwell yet
    await post('g-4', 175, INSIDE); // 65 s inside: dwell (60 s)
    await post('g-5', 180, OUTSIDE); // exit
    await fleet.drained();
    // Kafka may bring a message again (a rebalance, a crash before the commit): still nothing new.
    const again = fleet.published.filter((m) => m.key === 'ref:user-geo');
    await fleet.reproduce(again);
    await fleet.drained();

    const table = await fleet.query('SELECT type, occurred_at FROM geofence_events WHERE user_id = ? ORDER BY occurred_at, id', ['user-geo']);
    expect(table.map((r) => [r.type, Number(r.occurred_at)])).toEqual([
      ['user.entered_geofence', BASE + 110_000],
      ['user.dwelled_in_geofence', BASE + 175_000],
      ['user.exited_geofence', BASE + 180_000],
    ]);
    const ledger = (await fleet.rows()).filter((r) => r.subject === 'user-geo' && r.type.endsWith('_geofence'));
    expect(ledger.map((r) => r.type)).toEqual(['user.entered_geofence', 'user.dwelled_in_geofence', 'user.exited_geofence']);

    const api = await fleet.api('/location/geofence-events?userId=user-geo&geofence=depots/d1');
    const events = api.json.events as Array<Record<string, unknown>>;
    expect(events.map((e) => [e.type, e.occurredAt, (e.geofence as { externalId: string }).externalId])).toEqual([
      ['user.entered_geofence', at(110), 'd1'],
      ['user.dwelled_in_geofence', at(175), 'd1'],
      ['user.exited_geofence', at(180), 'd1'],
    ]);
    expect(events[2]).toMatchObject({ durationMs: 70_000, enteredAt: at(110) });
    const paged = await fleet.api('/location/geofence-events?userId=user-geo&limit=2');
    expect(paged.json.nextCursor).toEqual(expect.any(String));
    const rest = await fleet.api(`/location/geofence-events?userId=user-geo&limit=2&cursor=${String(paged.json.nextCursor)}`);
    expect((rest.json.events as Array<{ type: string }>).map((e) => e.type)).toEqual(['user.exited_geofence']);

    const streamed = await waitUntil('the geofence stream to carry the three events', async () => {
      const mine = fleet.streamed().filter((m) => m.userId === 'user-geo');
      return mine.length >= 3 ? mine : undefined;
    });
    expect(new Set(streamed.map((m) => m.id)).size).toBe(3);
    const unpublished = await fleet.query('SELECT COUNT(*) AS n FROM geofence_events WHERE published_at IS NULL');
    expect(Number(unpublished[0]?.n)).toBe(0);
  });

  it('a user inside a geofence created later enters on its next location; deleting gives no exit', async () => {
    const post = (id: string, sec: number, pos: { lon: number; lat: number }) => fleet.post('ref', refEvent(id, 'user-late', sec, pos), refHeaders());
    await post('l-1', 100, { lon: 20.0001, lat: 40 });
    await fleet.drained();
    await fleet.api('/geofences/shops/s1', {
      method: 'PUT',
      body: {
        type: 'polygon',
        coordinates: [
          [
            [19.99, 39.99],
            [20.01, 39.99],
            [20.01, 40.01],
            [19.99, 40.01],
            [19.99, 39.99],
          ],
        ],
      },
      admin: true,
    });
    await fleet.geofencesSynced();
    await post('l-2', 110, { lon: 20.0002, lat: 40 });
    await fleet.drained();
    await fleet.api('/geofences/shops/s1', { method: 'DELETE', admin: true });
    await fleet.geofencesSynced();
    await post('l-3', 120, { lon: 25, lat: 40 });
    await fleet.drained();
    const table = await fleet.query('SELECT type FROM geofence_events WHERE user_id = ?', ['user-late']);
    expect(table.map((r) => r.type)).toEqual(['user.entered_geofence']);
    expect((await fleet.api('/location/users/user-late')).json.geofences).toEqual([]);
  });

  it('keeps positions out of the logs', () => {
    const text = fleet.logs.join('');
    expect(text).toContain('delivery accepted');
    expect(text).not.toContain('50.0001');
    expect(text).not.toContain(String(INSIDE.lon));
  });
});
