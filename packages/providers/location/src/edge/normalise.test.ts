import { describe, expect, it } from 'vitest';
import type { LocationEvent } from '../model.js';
import { ID_RULE } from './fields.js';
import { MAX_EVENTS_PER_REQUEST, normaliseBody, type NormaliseResult } from './normalise.js';

const RECEIVED = Date.UTC(2026, 2, 1, 12, 0, 0);

/** The reference system's sample record, strings for numbers and booleans, as its README shows it. */
function referenceSample(): Record<string, unknown> {
  return {
    id: '64d28b9f7a2fd90012d16fcc',
    created_at: '2023-08-08T18:38:23.400Z',
    live: 'TRUE',
    type: 'user.updated_trip',
    MMUserId: '61947963940bbe643baf76d9',
    location: { type: 'Point', coordinates: { longitude: '-120.2302705', latitude: '36.923764' } },
    trip: {
      _id: '64d28b0e7a2fd90012d16f6a',
      externalId: '61947963940bbe643baf76d9-1691519758',
      createdAt: '2023-08-08T18:35:58.600Z',
      updatedAt: '2023-08-08T18:38:23.400Z',
      startedAt: '2023-08-08T18:35:58.600Z',
      metadata: { route_session_type: 'delivery', route_session_id: '64d28b0a7a2fd90012d16f53' },
    },
  };
}

/** One Radar event (GeoJSON [lon, lat]); `extra` overrides or adds fields, undefined removes one. */
function radarEvent(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const e: Record<string, unknown> = {
    _id: id,
    type: 'user.updated_trip',
    createdAt: '2026-03-01T11:59:58.000Z',
    live: true,
    location: { type: 'Point', coordinates: [13.405, 52.52] },
    locationAccuracy: 5,
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete e[k];
    else e[k] = v;
  }
  return e;
}

const RADAR_USER = { _id: '5b1d6f0e7a2fd90012000001', userId: 'user-1', deviceId: 'device-A' };

/** The reference sample with one field replaced (a dotted path; undefined removes it). */
function withField(path: string, value: unknown, body: Record<string, unknown> = referenceSample()): Record<string, unknown> {
  const keys = path.split('.');
  let at = body;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return body;
}

function accepted(r: NormaliseResult): Array<{ event: LocationEvent; raw: unknown }> {
  if (!r.ok) throw new Error(`expected the body to be accepted, got ${JSON.stringify(r.errors)}`);
  return r.value.events;
}

function only(r: NormaliseResult): LocationEvent {
  const events = accepted(r);
  expect(events).toHaveLength(1);
  return (events[0] as { event: LocationEvent }).event;
}

function refused(r: NormaliseResult): Array<{ path: string; message: string }> {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value.events.map((e) => e.event))}`);
  expect(r).not.toHaveProperty('value');
  return r.errors;
}

describe('normaliseBody: the reference system’s record', () => {
  it('reads the README sample exactly: strings for the position and "TRUE" for live', () => {
    const body = referenceSample();
    const r = normaliseBody(body, RECEIVED);
    expect(r).toEqual({
      ok: true,
      value: {
        shape: 'flat',
        events: [
          {
            event: {
              eventId: '64d28b9f7a2fd90012d16fcc',
              type: 'user.updated_trip',
              userId: '61947963940bbe643baf76d9',
              deviceId: null,
              live: true,
              recordedAt: Date.UTC(2023, 7, 8, 18, 38, 23, 400),
              location: { lat: 36.923764, lon: -120.2302705, accuracy: null },
              trip: {
                tripId: '64d28b0e7a2fd90012d16f6a',
                externalId: '61947963940bbe643baf76d9-1691519758',
                status: null,
                metadata: { route_session_type: 'delivery', route_session_id: '64d28b0a7a2fd90012d16f53' },
                startedAt: Date.UTC(2023, 7, 8, 18, 35, 58, 600),
              },
            },
            raw: body,
          },
        ],
      },
    });
    // The body as sent is kept, not a copy with numbers in place of strings.
    expect(accepted(r)[0]?.raw).toBe(body);
  });

  it('takes the alternative spellings: _id, userId / user_id, deviceId / device_id, createdAt, accuracy', () => {
    const a = only(
      normaliseBody(
        {
          _id: 'evt-2',
          type: 'user.updated_trip',
          userId: 'u-2',
          deviceId: 'd-2',
          createdAt: 1_700_000_000_000,
          location: { coordinates: { longitude: 1.5, latitude: -2.25 }, accuracy: '7.5' },
        },
        RECEIVED,
      ),
    );
    expect(a).toEqual({
      eventId: 'evt-2',
      type: 'user.updated_trip',
      userId: 'u-2',
      deviceId: 'd-2',
      live: null,
      recordedAt: 1_700_000_000_000,
      location: { lat: -2.25, lon: 1.5, accuracy: 7.5 },
      trip: null,
    });
    const b = only(
      normaliseBody(
        { id: 'evt-3', type: 'user.updated_trip', user_id: 'u-3', device_id: 'd-3', locationAccuracy: 12, location: { coordinates: [1, 2] } },
        RECEIVED,
      ),
    );
    expect([b.userId, b.deviceId, b.location]).toEqual(['u-3', 'd-3', { lat: 2, lon: 1, accuracy: 12 }]);
  });

  it('prefers MMUserId over userId and user_id', () => {
    expect(only(normaliseBody({ ...referenceSample(), userId: 'other', user_id: 'third' }, RECEIVED)).userId).toBe('61947963940bbe643baf76d9');
  });

  it('stands in the time of receipt when the record has no time of its own', () => {
    expect(only(normaliseBody(withField('created_at', undefined), RECEIVED)).recordedAt).toBe(RECEIVED);
    expect(only(normaliseBody(withField('created_at', null), RECEIVED)).recordedAt).toBe(RECEIVED);
  });

  it('takes a trip known only by its externalId, and the trip_id / started_at spellings', () => {
    expect(only(normaliseBody(withField('trip', { externalId: 'ext-9' }), RECEIVED)).trip).toEqual({
      tripId: 'ext-9',
      externalId: 'ext-9',
      status: null,
      metadata: null,
      startedAt: null,
    });
    expect(only(normaliseBody(withField('trip', { trip_id: 't-1', external_id: 'e-1', started_at: 5, status: 'started' }), RECEIVED)).trip).toEqual({
      tripId: 't-1',
      externalId: 'e-1',
      status: 'started',
      metadata: null,
      startedAt: 5,
    });
  });

  it.each([
    ['TRUE', true],
    ['true', true],
    [' True ', true],
    ['1', true],
    [true, true],
    ['false', false],
    ['FALSE', false],
    ['0', false],
    [false, false],
    [null, null],
  ])('reads live = %j as %j', (live, expected) => {
    expect(only(normaliseBody(withField('live', live), RECEIVED)).live).toBe(expected);
  });

  it.each([['yes'], [1], [''], [{}]])('refuses live = %j', (live) => {
    expect(refused(normaliseBody(withField('live', live), RECEIVED))).toEqual([{ path: '/live', message: 'must be true or false' }]);
  });

  it.each([
    ['latitude', '90'],
    ['latitude', '-90'],
    ['longitude', '180'],
    ['longitude', '-180'],
    ['latitude', ' 0 '],
  ])('accepts the boundary %s %j', (axis, value) => {
    const e = only(normaliseBody(withField(`location.coordinates.${axis}`, value), RECEIVED));
    expect(e.location?.[axis === 'latitude' ? 'lat' : 'lon']).toBe(Number(value));
  });

  it.each([
    ['location.coordinates.latitude', '90.0001', '/location/coordinates/latitude', 'latitude must be between -90 and 90'],
    ['location.coordinates.latitude', -90.5, '/location/coordinates/latitude', 'latitude must be between -90 and 90'],
    ['location.coordinates.longitude', '-180.5', '/location/coordinates/longitude', 'longitude must be between -180 and 180'],
    ['location.coordinates.longitude', 180.0001, '/location/coordinates/longitude', 'longitude must be between -180 and 180'],
    ['location.coordinates.latitude', 'NaN', '/location/coordinates/latitude', 'must be a finite number'],
    ['location.coordinates.longitude', 'Infinity', '/location/coordinates/longitude', 'must be a finite number'],
    ['location.coordinates.longitude', '-Infinity', '/location/coordinates/longitude', 'must be a finite number'],
    ['location.coordinates.latitude', NaN, '/location/coordinates/latitude', 'must be a finite number'],
    ['location.coordinates.latitude', '', '/location/coordinates/latitude', 'must be a number'],
    ['location.coordinates.latitude', '   ', '/location/coordinates/latitude', 'must be a number'],
    ['location.coordinates.latitude', '36.9 N', '/location/coordinates/latitude', 'must be a number'],
    ['location.coordinates.longitude', '0x10', '/location/coordinates/longitude', 'must be a number'],
    ['location.coordinates.latitude', true, '/location/coordinates/latitude', 'must be a number'],
    ['location.coordinates.latitude', undefined, '/location/coordinates/latitude', 'is required'],
    ['location.coordinates.longitude', null, '/location/coordinates/longitude', 'is required'],
    ['location.coordinates', undefined, '/location/coordinates', 'is required'],
    ['location.coordinates', '-120.23,36.92', '/location/coordinates', 'must be [longitude, latitude] or {longitude, latitude}'],
    ['location.coordinates', [-120.23], '/location/coordinates', 'must be [longitude, latitude] (GeoJSON order)'],
    ['location.coordinates', [-120.23, 36.92, 10, 1], '/location/coordinates', 'must be [longitude, latitude] (GeoJSON order)'],
    ['location.type', 'LineString', '/location/type', 'must be "Point"'],
    ['location.accuracy', -1, '/location/accuracy', 'must not be negative'],
    ['location.accuracy', 'about 5', '/location/accuracy', 'must be a number'],
    ['location', undefined, '/location', 'is required for user.updated_trip'],
    ['location', null, '/location', 'is required for user.updated_trip'],
    ['location', 'somewhere', '/location', 'must be an object'],
    ['location', [[-120.23, 36.92]], '/location', 'must be an object'],
    ['MMUserId', undefined, '/MMUserId', 'is required'],
    ['MMUserId', '', '/MMUserId', ID_RULE],
    ['MMUserId', 'user\u0000one', '/MMUserId', ID_RULE],
    ['MMUserId', 'user\none', '/MMUserId', ID_RULE],
    ['MMUserId', ' padded', '/MMUserId', ID_RULE],
    ['MMUserId', 'x'.repeat(129), '/MMUserId', ID_RULE],
    ['MMUserId', 1.5, '/MMUserId', 'must be a string'],
    ['MMUserId', { $oid: '61947963940bbe643baf76d9' }, '/MMUserId', 'must be a string'],
    ['id', 'evt\u007f', '/id', ID_RULE],
    ['id', 'e'.repeat(129), '/id', ID_RULE],
    ['id', ['64d28b9f7a2fd90012d16fcc'], '/id', 'must be a string'],
    ['type', undefined, '/type', 'is required'],
    ['type', 'user updated trip', '/type', 'must be an event type of 1-128 letters, digits and _ . : -'],
    ['type', 7, '/type', 'must be an event type of 1-128 letters, digits and _ . : -'],
    ['created_at', 'yesterday', '/created_at', 'must be an ISO 8601 time or epoch milliseconds'],
    ['created_at', -1, '/created_at', 'must be an ISO 8601 time or epoch milliseconds'],
    ['created_at', 1.5, '/created_at', 'must be an ISO 8601 time or epoch milliseconds'],
    ['deviceId', '\t', '/deviceId', ID_RULE],
    ['trip', 'trip-1', '/trip', 'must be an object'],
    ['trip', { metadata: {} }, '/trip/_id', 'a trip needs an _id or an externalId'],
    ['trip._id', '', '/trip/_id', ID_RULE],
    ['trip.externalId', 'x'.repeat(129), '/trip/externalId', ID_RULE],
    ['trip.metadata', 'delivery', '/trip/metadata', 'must be an object'],
    ['trip.metadata', ['delivery'], '/trip/metadata', 'must be an object'],
    ['trip.startedAt', 'at noon', '/trip/startedAt', 'must be an ISO 8601 time or epoch milliseconds'],
    ['trip.status', 'a\u0001b', '/trip/status', ID_RULE],
  ])('refuses %s = %j: %s %s, and produces nothing', (path, value, pointer, message) => {
    expect(refused(normaliseBody(withField(path, value), RECEIVED))).toEqual([{ path: pointer, message }]);
  });

  it('accepts ids of exactly 128 characters, and a whole number as an id', () => {
    const e = only(normaliseBody({ ...referenceSample(), id: 'e'.repeat(128), MMUserId: 61947963 }, RECEIVED));
    expect([e.eventId, e.userId]).toEqual(['e'.repeat(128), '61947963']);
  });

  it('allows no position on user.stopped_trip and user.deleted, and needs one on every other type', () => {
    for (const type of ['user.stopped_trip', 'user.deleted']) {
      const e = only(normaliseBody({ ...withField('location', undefined), type }, RECEIVED));
      expect([e.type, e.location]).toEqual([type, null]);
    }
    for (const type of ['user.updated_trip', 'user.started_trip', 'user.entered_geofence', 'user.arrived_at_trip_destination']) {
      expect(refused(normaliseBody({ ...withField('location', undefined), type }, RECEIVED))).toEqual([
        { path: '/location', message: `is required for ${type}` },
      ]);
    }
    // A stopped trip that does carry a position keeps it, and it is checked.
    expect(only(normaliseBody({ ...referenceSample(), type: 'user.stopped_trip' }, RECEIVED)).location).toEqual({
      lat: 36.923764,
      lon: -120.2302705,
      accuracy: null,
    });
    expect(refused(normaliseBody(withField('location.coordinates.latitude', '91', { ...referenceSample(), type: 'user.stopped_trip' }), RECEIVED))).toEqual([
      { path: '/location/coordinates/latitude', message: 'latitude must be between -90 and 90' },
    ]);
  });

  it('says which type needs a position when the type itself is bad', () => {
    expect(refused(normaliseBody({ ...withField('location', undefined), type: 'bad type' }, RECEIVED))).toEqual([
      { path: '/type', message: 'must be an event type of 1-128 letters, digits and _ . : -' },
      { path: '/location', message: 'is required for this event type' },
    ]);
  });

  it('reports every problem at once, in the order of the fields', () => {
    const body = referenceSample();
    body.MMUserId = undefined;
    body.live = 'maybe';
    body.location = { type: 'Point', coordinates: { longitude: '-180.5', latitude: '90.0001' } };
    body.trip = { metadata: 'x' };
    expect(refused(normaliseBody(body, RECEIVED))).toEqual([
      { path: '/MMUserId', message: 'is required' },
      { path: '/location/coordinates/longitude', message: 'longitude must be between -180 and 180' },
      { path: '/location/coordinates/latitude', message: 'latitude must be between -90 and 90' },
      { path: '/trip/_id', message: 'a trip needs an _id or an externalId' },
      { path: '/live', message: 'must be true or false' },
    ]);
  });
});

describe('normaliseBody: Radar', () => {
  it('reads a single event with its user: the Radar user id, the device and GeoJSON [lon, lat]', () => {
    const event = radarEvent('evt-1', { trip: { _id: 'trip-1', externalId: 'order-1', status: 'started', metadata: { order: 1 } } });
    const r = normaliseBody({ event, user: RADAR_USER }, RECEIVED);
    expect(r).toEqual({
      ok: true,
      value: {
        shape: 'radar',
        events: [
          {
            event: {
              eventId: 'evt-1',
              type: 'user.updated_trip',
              userId: 'user-1',
              deviceId: 'device-A',
              live: true,
              recordedAt: Date.UTC(2026, 2, 1, 11, 59, 58),
              location: { lat: 52.52, lon: 13.405, accuracy: 5 },
              trip: { tripId: 'trip-1', externalId: 'order-1', status: 'started', metadata: { order: 1 }, startedAt: null },
            },
            // The event keeps the request's user.
            raw: { ...event, user: RADAR_USER },
          },
        ],
      },
    });
  });

  it('reads multiple events sharing the request’s user, each keeping that user in its raw copy', () => {
    const events = [radarEvent('evt-1'), radarEvent('evt-2', { type: 'user.arrived_at_trip_destination', location: { coordinates: ['-0.1276', '51.5072'] } })];
    const got = accepted(normaliseBody({ events, user: RADAR_USER }, RECEIVED));
    expect(got.map((e) => [e.event.eventId, e.event.type, e.event.userId, e.event.deviceId, e.event.location])).toEqual([
      ['evt-1', 'user.updated_trip', 'user-1', 'device-A', { lat: 52.52, lon: 13.405, accuracy: 5 }],
      ['evt-2', 'user.arrived_at_trip_destination', 'user-1', 'device-A', { lat: 51.5072, lon: -0.1276, accuracy: 5 }],
    ]);
    expect(got.map((e) => e.raw)).toEqual([
      { ...events[0], user: RADAR_USER },
      { ...events[1], user: RADAR_USER },
    ]);
  });

  it('lets a user inside an event override the request’s user, and keeps that event as sent', () => {
    const own = { userId: 'user-2', deviceId: 'device-B' };
    const events = [radarEvent('evt-1'), radarEvent('evt-2', { user: own })];
    const got = accepted(normaliseBody({ events, user: RADAR_USER }, RECEIVED));
    expect(got.map((e) => [e.event.userId, e.event.deviceId])).toEqual([
      ['user-1', 'device-A'],
      ['user-2', 'device-B'],
    ]);
    expect(got[1]?.raw).toBe(events[1]);
    // Without a request user, each event's own user is enough.
    expect(accepted(normaliseBody({ events: [radarEvent('evt-3', { user: own })] }, RECEIVED)).map((e) => [e.event.userId, e.raw])).toEqual([
      ['user-2', { ...radarEvent('evt-3'), user: own }],
    ]);
  });

  it('falls back from user.userId to user._id, and reports a user with neither at /user/_id', () => {
    expect(only(normaliseBody({ event: radarEvent('evt-1'), user: { _id: 'radar-internal-1' } }, RECEIVED)).userId).toBe('radar-internal-1');
    expect(only(normaliseBody({ event: radarEvent('evt-1'), user: { _id: 'radar-internal-1', userId: 'u-9' } }, RECEIVED)).userId).toBe('u-9');
    expect(refused(normaliseBody({ event: radarEvent('evt-1'), user: { deviceId: 'd' } }, RECEIVED))).toEqual([{ path: '/user/_id', message: 'is required' }]);
    expect(refused(normaliseBody({ event: radarEvent('evt-1'), user: { userId: 'u\u0007' } }, RECEIVED))).toEqual([{ path: '/user/userId', message: ID_RULE }]);
    expect(refused(normaliseBody({ events: [radarEvent('evt-1', { user: { _id: ' x' } })] }, RECEIVED))).toEqual([
      { path: '/events/0/user/_id', message: ID_RULE },
    ]);
  });

  it('refuses a body without any user', () => {
    expect(refused(normaliseBody({ event: radarEvent('evt-1') }, RECEIVED))).toEqual([{ path: '/user', message: 'is required' }]);
    expect(refused(normaliseBody({ event: radarEvent('evt-1'), user: null }, RECEIVED))).toEqual([{ path: '/user', message: 'is required' }]);
    expect(refused(normaliseBody({ event: radarEvent('evt-1'), user: 'user-1' }, RECEIVED))).toEqual([
      { path: '/user', message: 'must be an object' },
      { path: '/user', message: 'is required' },
    ]);
  });

  it('prefers actualCreatedAt (when the device recorded it) over createdAt, and the receipt time over nothing', () => {
    const replay = radarEvent('evt-1', { actualCreatedAt: '2026-03-01T10:00:00.000Z' });
    expect(only(normaliseBody({ event: replay, user: RADAR_USER }, RECEIVED)).recordedAt).toBe(Date.UTC(2026, 2, 1, 10));
    expect(only(normaliseBody({ event: radarEvent('evt-1', { actualCreatedAt: 1_772_000_000_000 }), user: RADAR_USER }, RECEIVED)).recordedAt).toBe(
      1_772_000_000_000,
    );
    expect(only(normaliseBody({ event: radarEvent('evt-1', { actualCreatedAt: null }), user: RADAR_USER }, RECEIVED)).recordedAt).toBe(
      Date.UTC(2026, 2, 1, 11, 59, 58),
    );
    expect(only(normaliseBody({ event: radarEvent('evt-1', { createdAt: undefined }), user: RADAR_USER }, RECEIVED)).recordedAt).toBe(RECEIVED);
    expect(refused(normaliseBody({ event: radarEvent('evt-1', { actualCreatedAt: 'not a time' }), user: RADAR_USER }, RECEIVED))).toEqual([
      { path: '/event/actualCreatedAt', message: 'must be an ISO 8601 time or epoch milliseconds' },
    ]);
  });

  it('reads locationAccuracy as a number or a numeric string, absent as null, negative refused', () => {
    const acc = (v: unknown) => normaliseBody({ event: radarEvent('evt-1', { locationAccuracy: v }), user: RADAR_USER }, RECEIVED);
    expect(only(acc('12.5')).location?.accuracy).toBe(12.5);
    expect(only(acc(0)).location?.accuracy).toBe(0);
    expect(only(acc(undefined)).location?.accuracy).toBeNull();
    expect(only(acc(null)).location?.accuracy).toBeNull();
    expect(refused(acc(-0.1))).toEqual([{ path: '/event/locationAccuracy', message: 'must not be negative' }]);
    expect(refused(acc('NaN'))).toEqual([{ path: '/event/locationAccuracy', message: 'must be a finite number' }]);
  });

  it('keeps the trip status the payload states, and an altitude as the third coordinate', () => {
    for (const status of ['started', 'approaching', 'arrived', 'completed', 'canceled', 'expired']) {
      const e = only(normaliseBody({ event: radarEvent('evt-1', { trip: { _id: 'trip-1', status } }), user: RADAR_USER }, RECEIVED));
      expect(e.trip).toEqual({ tripId: 'trip-1', externalId: null, status, metadata: null, startedAt: null });
    }
    expect(only(normaliseBody({ event: radarEvent('evt-1', { trip: { _id: 'trip-1', status: null } }), user: RADAR_USER }, RECEIVED)).trip?.status).toBeNull();
    expect(
      only(normaliseBody({ event: radarEvent('evt-1', { location: { coordinates: [13.405, 52.52, 34] } }), user: RADAR_USER }, RECEIVED)).location,
    ).toEqual({
      lat: 52.52,
      lon: 13.405,
      accuracy: 5,
    });
  });

  it('takes `id` when the event has no `_id`', () => {
    expect(only(normaliseBody({ event: radarEvent('x', { _id: undefined, id: 'evt-by-id' }), user: RADAR_USER }, RECEIVED)).eventId).toBe('evt-by-id');
    expect(refused(normaliseBody({ event: radarEvent('x', { _id: undefined }), user: RADAR_USER }, RECEIVED))).toEqual([
      { path: '/event/_id', message: 'is required' },
    ]);
    expect(refused(normaliseBody({ event: radarEvent('x', { _id: undefined, id: 'a\rb' }), user: RADAR_USER }, RECEIVED))).toEqual([
      { path: '/event/id', message: ID_RULE },
    ]);
  });

  it.each([
    [{ location: { coordinates: [13.405, 90.0001] } }, '/event/location/coordinates/1', 'latitude must be between -90 and 90'],
    [{ location: { coordinates: [-180.5, 52.52] } }, '/event/location/coordinates/0', 'longitude must be between -180 and 180'],
    // [lat, lon] instead of GeoJSON's [lon, lat]: a longitude beyond ±90 cannot be a latitude.
    [{ location: { coordinates: [36.923764, -120.2302705] } }, '/event/location/coordinates/1', 'latitude must be between -90 and 90'],
    [{ location: { coordinates: ['NaN', 52.52] } }, '/event/location/coordinates/0', 'must be a finite number'],
    [{ location: { coordinates: [13.405, 'Infinity'] } }, '/event/location/coordinates/1', 'must be a finite number'],
    [{ location: { coordinates: ['', 52.52] } }, '/event/location/coordinates/0', 'must be a number'],
    [{ location: { coordinates: [13.405, null] } }, '/event/location/coordinates/1', 'is required'],
    [{ location: { coordinates: [] } }, '/event/location/coordinates', 'must be [longitude, latitude] (GeoJSON order)'],
    [{ location: { coordinates: [13.405] } }, '/event/location/coordinates', 'must be [longitude, latitude] (GeoJSON order)'],
    [{ location: { coordinates: [13.405, 52.52, 34, 0] } }, '/event/location/coordinates', 'must be [longitude, latitude] (GeoJSON order)'],
    [{ location: { type: 'Point' } }, '/event/location/coordinates', 'is required'],
    [{ location: { type: 'Polygon', coordinates: [13.405, 52.52] } }, '/event/location/type', 'must be "Point"'],
    [{ location: undefined }, '/event/location', 'is required for user.updated_trip'],
    [{ type: undefined }, '/event/type', 'is required'],
    [{ _id: 'e'.repeat(129) }, '/event/_id', ID_RULE],
    [{ trip: { status: 'started' } }, '/event/trip/_id', 'a trip needs an _id or an externalId'],
    [{ live: 'sometimes' }, '/event/live', 'must be true or false'],
    [{ user: [] }, '/event/user', 'must be an object'],
  ])('refuses the event %j: %s %s', (extra, pointer, message) => {
    expect(refused(normaliseBody({ event: radarEvent('evt-1', extra), user: RADAR_USER }, RECEIVED))).toEqual([{ path: pointer, message }]);
  });

  it('allows no position on user.stopped_trip', () => {
    const e = only(normaliseBody({ event: radarEvent('evt-1', { type: 'user.stopped_trip', location: undefined }), user: RADAR_USER }, RECEIVED));
    expect([e.type, e.location]).toEqual(['user.stopped_trip', null]);
  });

  it('refuses the whole request when one of several events is bad, naming that event', () => {
    const events = [radarEvent('evt-1'), radarEvent('evt-2', { location: { coordinates: [13.405, 91] } }), radarEvent('evt-3', { _id: '' })];
    expect(refused(normaliseBody({ events, user: RADAR_USER }, RECEIVED))).toEqual([
      { path: '/events/1/location/coordinates/1', message: 'latitude must be between -90 and 90' },
      { path: '/events/2/_id', message: ID_RULE },
    ]);
  });

  it('takes 1 to 100 events and refuses an empty list, more than 100 and anything but a list', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => radarEvent(`evt-${i}`));
    expect(MAX_EVENTS_PER_REQUEST).toBe(100);
    expect(accepted(normaliseBody({ events: many(100), user: RADAR_USER }, RECEIVED))).toHaveLength(100);
    expect(accepted(normaliseBody({ events: many(1), user: RADAR_USER }, RECEIVED))).toHaveLength(1);
    expect(refused(normaliseBody({ events: [], user: RADAR_USER }, RECEIVED))).toEqual([{ path: '/events', message: 'must hold at least one event' }]);
    expect(refused(normaliseBody({ events: many(101), user: RADAR_USER }, RECEIVED))).toEqual([{ path: '/events', message: 'must hold at most 100 events' }]);
    expect(refused(normaliseBody({ events: radarEvent('evt-1'), user: RADAR_USER }, RECEIVED))).toEqual([
      { path: '/events', message: 'must be an array of events' },
    ]);
    expect(refused(normaliseBody({ events: null, user: RADAR_USER }, RECEIVED))).toEqual([{ path: '/events', message: 'must be an array of events' }]);
    expect(refused(normaliseBody({ events: [null, 'evt', radarEvent('evt-2')], user: RADAR_USER }, RECEIVED))).toEqual([
      { path: '/events/0', message: 'is required' },
      { path: '/events/1', message: 'must be an object' },
    ]);
  });

  it('refuses {event: null} and a non-object event', () => {
    expect(refused(normaliseBody({ event: null, user: RADAR_USER }, RECEIVED))).toEqual([{ path: '/event', message: 'is required' }]);
    expect(refused(normaliseBody({ event: [radarEvent('evt-1')], user: RADAR_USER }, RECEIVED))).toEqual([{ path: '/event', message: 'must be an object' }]);
  });
});

describe('normaliseBody: not a location webhook at all', () => {
  it.each([[null], [[]], [[referenceSample()]], ['{"id":"x"}'], [42], [true], [undefined]])('refuses %j as a whole', (body) => {
    expect(normaliseBody(body, RECEIVED)).toEqual({ ok: false, errors: [{ path: '', message: 'must be a JSON object' }] });
  });

  it('refuses a record with only an id, naming each required field', () => {
    expect(refused(normaliseBody({ id: 'evt-1' }, RECEIVED))).toEqual([
      { path: '/type', message: 'is required' },
      { path: '/MMUserId', message: 'is required' },
      { path: '/location', message: 'is required for this event type' },
    ]);
  });
});

describe('normaliseBody: edge cases found in review', () => {
  const radar = (over: Record<string, unknown> = {}) => ({ _id: 'evt-1', type: 'user.updated_trip', location: { coordinates: [13.405, 52.52] }, ...over });

  it('refuses an epoch-ms time beyond what a Date holds, naming the field', () => {
    expect(normaliseBody({ event: radar({ createdAt: 8_640_000_000_000_001 }), user: { userId: 'u' } }, 0)).toEqual({
      ok: false,
      errors: [{ path: '/event/createdAt', message: 'must be an ISO 8601 time or epoch milliseconds' }],
    });
  });

  it('takes epoch milliseconds written as a string of digits', () => {
    const r = normaliseBody({ event: radar({ createdAt: '1691519903400' }), user: { userId: 'u' } }, 0);
    expect(r.ok && r.value.events[0]?.event.recordedAt).toBe(1691519903400);
  });

  it('names /id when a reference record has no id', () => {
    const body = {
      created_at: '2023-08-08T18:38:23.400Z',
      type: 'user.updated_trip',
      MMUserId: 'm',
      location: { type: 'Point', coordinates: { longitude: '1', latitude: '2' } },
    };
    expect(normaliseBody(body, 0)).toEqual({ ok: false, errors: [{ path: '/id', message: 'is required' }] });
  });

  it('reports a missing request user once, not once per event', () => {
    expect(normaliseBody({ events: [radar({ _id: 'a' }), radar({ _id: 'b' }), radar({ _id: 'c' })] }, 0)).toEqual({
      ok: false,
      errors: [{ path: '/user', message: 'is required' }],
    });
  });

  it('refuses a body with both event and events', () => {
    expect(normaliseBody({ event: radar(), events: [radar()], user: { userId: 'u' } }, 0)).toEqual({
      ok: false,
      errors: [{ path: '/event', message: 'give event (one) or events (several), not both' }],
    });
  });
});
