import { POSITIONLESS_TYPES, type Fix, type LocationEvent, type TripInfo } from '../model.js';
import { FieldReader, isObject, type Json } from './fields.js';

/** Radar sends at most 5 per request in Multiple Events mode; more is refused as a sender bug. */
export const MAX_EVENTS_PER_REQUEST = 100;

export interface Normalised {
  events: Array<{ event: LocationEvent; raw: unknown }>;
  /** Which shape the body had: `radar` ({event|events, user}) or `flat` (the reference system's record). */
  shape: 'radar' | 'flat';
}

export type NormaliseResult = { ok: true; value: Normalised } | { ok: false; errors: FieldReader['errors'] };

/**
 * Turns a parsed body into location events. `receivedAt` stands in for an event without its
 * own time. Every problem is reported with its JSON pointer; on any problem, no event is kept.
 */
export function normaliseBody(body: unknown, receivedAt: number): NormaliseResult {
  const r = new FieldReader();
  if (!isObject(body)) return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  const value = 'events' in body || 'event' in body ? radarEvents(r, body, receivedAt) : flatEvents(r, body, receivedAt);
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, value };
}

/** Radar: `{event, user}` or `{events: [...], user}`; the user may also sit in each event. */
function radarEvents(r: FieldReader, body: Json, receivedAt: number): Normalised {
  const user = r.object(body.user, '/user');
  const list: Array<{ item: unknown; path: string }> = [];
  if ('events' in body && 'event' in body) r.fail('/event', 'give event (one) or events (several), not both');
  else if ('events' in body) {
    if (!Array.isArray(body.events)) r.fail('/events', 'must be an array of events');
    else if (body.events.length === 0) r.fail('/events', 'must hold at least one event');
    else if (body.events.length > MAX_EVENTS_PER_REQUEST) r.fail('/events', `must hold at most ${MAX_EVENTS_PER_REQUEST} events`);
    else body.events.forEach((item, i) => list.push({ item, path: `/events/${i}` }));
  } else list.push({ item: body.event, path: '/event' });

  const events: Normalised['events'] = [];
  let userMissing = false;
  for (const { item, path } of list) {
    const e = r.object(item, path) ?? (item === undefined || item === null ? r.fail(path, 'is required') : null);
    if (!e) continue;
    const eventUser = r.object(e.user, `${path}/user`) ?? user;
    const userPath = e.user !== undefined ? `${path}/user` : '/user';
    // The request's user is missing once, however many events lean on it.
    if (!eventUser && !userMissing) {
      userMissing = true;
      r.fail(userPath, 'is required');
    }
    const event = radarEvent(r, e, path, eventUser, userPath, receivedAt);
    // Each event keeps the request's user: a Multiple Events body shares one between them.
    if (event) events.push({ event, raw: e.user === undefined && user ? { ...e, user } : e });
  }
  return { events, shape: 'radar' };
}

function radarEvent(r: FieldReader, e: Json, path: string, user: Json | null, userPath: string, receivedAt: number): LocationEvent | null {
  const type = r.type(e.type, `${path}/type`);
  const idKey = e._id === undefined && e.id !== undefined ? 'id' : '_id';
  const eventId = r.id(e[idKey], `${path}/${idKey}`, true);
  const userId = user ? r.id(user.userId ?? user._id, `${userPath}/${user.userId !== undefined ? 'userId' : '_id'}`, true) : null;
  const deviceId = user ? r.id(user.deviceId, `${userPath}/deviceId`, false) : null;
  // actualCreatedAt is when the device recorded it (an offline replay arrives later).
  const recordedAt = r.time(e.actualCreatedAt, `${path}/actualCreatedAt`) ?? r.time(e.createdAt, `${path}/createdAt`) ?? receivedAt;
  const location = position(r, e.location, `${path}/location`, e.locationAccuracy, `${path}/locationAccuracy`, type);
  const trip = tripOf(r, e.trip, `${path}/trip`);
  const live = r.bool(e.live, `${path}/live`);
  if (type === null || eventId === null || userId === null || location === undefined) return null;
  return { eventId, type, userId, deviceId, live, recordedAt, location, trip };
}

/** The reference system's record: `{id, created_at, live, type, MMUserId, location, trip}`. */
function flatEvents(r: FieldReader, body: Json, receivedAt: number): Normalised {
  const type = r.type(body.type, '/type');
  const idKey = body.id === undefined && body._id !== undefined ? '_id' : 'id';
  const eventId = r.id(body[idKey], `/${idKey}`, true);
  const userKey = ['MMUserId', 'userId', 'user_id'].find((k) => body[k] !== undefined) ?? 'MMUserId';
  const userId = r.id(body[userKey], `/${userKey}`, true);
  const deviceKey = body.deviceId !== undefined ? 'deviceId' : 'device_id';
  const deviceId = r.id(body[deviceKey], `/${deviceKey}`, false);
  const timeKey = body.created_at !== undefined ? 'created_at' : 'createdAt';
  const recordedAt = r.time(body[timeKey], `/${timeKey}`) ?? receivedAt;
  const loc = isObject(body.location) ? body.location : undefined;
  const location = position(
    r,
    body.location,
    '/location',
    loc?.accuracy ?? body.locationAccuracy,
    loc?.accuracy !== undefined ? '/location/accuracy' : '/locationAccuracy',
    type,
  );
  const trip = tripOf(r, body.trip, '/trip');
  const live = r.bool(body.live, '/live');
  if (type === null || eventId === null || userId === null || location === undefined) return { events: [], shape: 'flat' };
  return { events: [{ event: { eventId, type, userId, deviceId, live, recordedAt, location, trip }, raw: body }], shape: 'flat' };
}

/**
 * A GeoJSON Point: `coordinates` as `[lon, lat]` (Radar) or `{longitude, latitude}` (the
 * reference system), numbers or numeric strings. undefined = invalid; null = absent and allowed.
 */
function position(r: FieldReader, v: unknown, path: string, accuracy: unknown, accuracyPath: string, type: string | null): Fix | null | undefined {
  if (v === undefined || v === null) {
    if (type !== null && POSITIONLESS_TYPES.has(type)) return null;
    r.fail(path, `is required for ${type ?? 'this event type'}`);
    return undefined;
  }
  const loc = r.object(v, path);
  if (!loc) return undefined;
  if (loc.type !== undefined && loc.type !== 'Point') r.fail(`${path}/type`, 'must be "Point"');
  const c = loc.coordinates;
  const cPath = `${path}/coordinates`;
  let lon: number | null = null;
  let lat: number | null = null;
  if (Array.isArray(c)) {
    if (c.length < 2 || c.length > 3) r.fail(cPath, 'must be [longitude, latitude] (GeoJSON order)');
    else {
      lon = r.within(c[0], `${cPath}/0`, -180, 180, 'longitude');
      lat = r.within(c[1], `${cPath}/1`, -90, 90, 'latitude');
    }
  } else if (isObject(c)) {
    lon = r.within(c.longitude, `${cPath}/longitude`, -180, 180, 'longitude');
    lat = r.within(c.latitude, `${cPath}/latitude`, -90, 90, 'latitude');
  } else r.fail(cPath, c === undefined ? 'is required' : 'must be [longitude, latitude] or {longitude, latitude}');
  const acc = r.optionalNumber(accuracy, accuracyPath);
  if (acc !== null && acc < 0) r.fail(accuracyPath, 'must not be negative');
  return lon === null || lat === null ? undefined : { lat, lon, accuracy: acc };
}

function tripOf(r: FieldReader, v: unknown, path: string): TripInfo | null {
  const t = r.object(v, path);
  if (!t) return null;
  const idKey = ['_id', 'id', 'trip_id'].find((k) => t[k] !== undefined);
  const extKey = t.externalId !== undefined ? 'externalId' : 'external_id';
  const externalId = r.id(t[extKey], `${path}/${extKey}`, false);
  const tripId = idKey ? r.id(t[idKey], `${path}/${idKey}`, true) : externalId;
  if (tripId === null) {
    if (!idKey && externalId === null) r.fail(`${path}/_id`, 'a trip needs an _id or an externalId');
    return null;
  }
  const status = t.status === undefined || t.status === null ? null : r.id(t.status, `${path}/status`, false);
  const metadata = r.object(t.metadata, `${path}/metadata`);
  const startedKey = t.startedAt !== undefined ? 'startedAt' : 'started_at';
  return { tripId, externalId, status, metadata, startedAt: r.time(t[startedKey], `${path}/${startedKey}`) };
}
