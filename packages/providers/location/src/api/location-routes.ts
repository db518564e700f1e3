import type { FastifyInstance } from 'fastify';
import {
  badRequest,
  decodePositionCursor,
  encodePositionCursor,
  notFound,
  page,
  params as p,
  readParams,
  DEFAULT_LIMIT,
  SOURCE_NAME,
} from '@hookstream/pipeline';
import type { DataSource } from '@hookstream/store';
import { isId, ID_RULE } from '../edge/fields.js';
import { geofenceEventJson } from '../geofence-event.js';
import { listGeofenceEvents } from '../store/geofence-event-store.js';
import type { LocationReader } from '../store/location-reader.js';
import { isTag, TAG_RULE } from './geofence-body.js';
import { requireLocationScope } from './scope.js';
import { trackCollection } from './track.js';

const MAX_TRACK_POINTS = 10_000;

const source = (name: string, raw: string): string => {
  if (!SOURCE_NAME.test(raw)) throw badRequest(name, 'must be a location source name (lower-case letters, digits, _ or -)');
  return raw;
};
const id = (name: string, raw: string): string => {
  if (!isId(raw)) throw badRequest(name, ID_RULE);
  return raw;
};
const trackLimit = (name: string, raw: string): number => {
  const n = /^[0-9]{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_TRACK_POINTS)) throw badRequest(name, `must be an integer between 1 and ${MAX_TRACK_POINTS}`);
  return n;
};
/** `<tag>` or `<tag>/<externalId>`: a tag has no '/', so the first one splits. */
const geofence = (name: string, raw: string): { tag: string; externalId?: string } => {
  const cut = raw.indexOf('/');
  const tag = cut === -1 ? raw : raw.slice(0, cut);
  if (!isTag(tag)) throw badRequest(name, `must be <tag> or <tag>/<externalId>; the tag ${TAG_RULE}`);
  if (cut === -1) return { tag };
  const externalId = raw.slice(cut + 1);
  if (!isId(externalId)) throw badRequest(name, `the externalId ${ID_RULE}`);
  return { tag, externalId };
};

const pathId = (params: unknown, key: string): string => id(key, ((params ?? {}) as Record<string, string>)[key] ?? '');

function checkRange(from: number | undefined, to: number | undefined): void {
  if (from !== undefined && to !== undefined && from >= to) throw badRequest('from', 'must be before to');
}

export function locationRoutes(app: FastifyInstance, reader: LocationReader, ds: DataSource): void {
  app.get('/location/users/:userId', async (req) => {
    requireLocationScope(req);
    const userId = pathId(req.params, 'userId');
    const q = readParams(req.query, { source });
    const user = await reader.user(userId, q.source);
    if (!user) throw notFound(`no location user ${JSON.stringify(userId)}${q.source ? ` from source ${q.source}` : ''}`);
    return user;
  });

  app.get('/location/users/:userId/track', async (req) => {
    requireLocationScope(req);
    const userId = pathId(req.params, 'userId');
    const q = readParams(req.query, { source, from: p.time, to: p.time, limit: trackLimit });
    checkRange(q.from, q.to);
    const limit = q.limit ?? MAX_TRACK_POINTS;
    const points = await reader.track(userId, { ...q, limit: limit + 1 });
    if (points.length === 0 && !(await reader.user(userId, q.source))) throw notFound(`no location user ${JSON.stringify(userId)}`);
    return trackCollection(userId, points.slice(0, limit), points.length > limit);
  });

  app.get('/location/trips/:tripId', async (req) => {
    requireLocationScope(req);
    const tripId = pathId(req.params, 'tripId');
    const q = readParams(req.query, { source });
    const trip = await reader.trip(tripId, q.source);
    if (!trip) throw notFound(`no trip ${JSON.stringify(tripId)}`);
    return trip;
  });

  app.get('/location/geofence-events', async (req) => {
    requireLocationScope(req);
    const q = readParams(req.query, { userId: id, geofence, from: p.time, to: p.time, limit: p.limit, cursor: p.cursor });
    checkRange(q.from, q.to);
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = q.cursor === undefined ? undefined : decodePositionCursor('cursor', q.cursor, 'geofence-events', 'asc');
    const rows = await listGeofenceEvents(ds, {
      ...(q.userId !== undefined ? { userId: q.userId } : {}),
      ...(q.geofence !== undefined ? { geofence: q.geofence } : {}),
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      ...(after ? { after } : {}),
      limit: limit + 1,
    });
    const paged = page(rows, limit, (last) => encodePositionCursor('geofence-events', 'asc', last));
    return { events: paged.events.map((r) => geofenceEventJson(r)), nextCursor: paged.nextCursor };
  });
}
