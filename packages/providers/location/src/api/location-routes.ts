import type { FastifyInstance } from 'fastify';
import { badRequest, decodePositionCursor, encodePositionCursor, notFound, page, params as p, DEFAULT_LIMIT } from '@hookstream/pipeline';
import type { DataSource } from '@hookstream/store';
import { isId, ID_RULE } from '../edge/fields.js';
import { geofenceEventJson } from '../geofence-event.js';
import { listGeofenceEvents } from '../store/geofence-event-store.js';
import type { LocationReader } from '../store/location-reader.js';
import { isTag, TAG_RULE } from './geofence-body.js';
import { requireLocationScope } from './scope.js';
import * as s from './schemas.js';
import { trackCollection } from './track.js';

const MAX_TRACK_POINTS = 10_000;

/** The ids' rule beyond their length (no control characters, no outer spaces): 400 naming the parameter. */
const id = (name: string, raw: string): string => {
  if (!isId(raw)) throw badRequest(name, ID_RULE);
  return raw;
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

/** `from`/`to` read by the time parser (epoch ms or ISO-8601), `from` before `to`. */
function range(q: { from?: string; to?: string }): { from?: number; to?: number } {
  const from = q.from === undefined ? undefined : p.time('from', q.from);
  const to = q.to === undefined ? undefined : p.time('to', q.to);
  if (from !== undefined && to !== undefined && from >= to) throw badRequest('from', 'must be before to');
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

const SCHEMAS = {
  user: {
    summary: 'A location user’s latest state',
    tags: s.tags,
    params: s.path({ userId: s.id('The user’s id (Radar’s userId).') }),
    querystring: s.query({ source: s.SOURCE }),
    response: { 200: s.USER },
  },
  track: {
    summary: 'A user’s positions as GeoJSON, oldest first',
    tags: s.tags,
    params: s.path({ userId: s.id('The user’s id.') }),
    querystring: s.query({
      source: s.SOURCE,
      from: s.TIME('Positions recorded at or after this time.'),
      to: s.TIME('Positions recorded before this time.'),
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_TRACK_POINTS,
        description: `At most this many positions, 1-${MAX_TRACK_POINTS}; default ${MAX_TRACK_POINTS}.`,
        'x-error': `must be an integer between 1 and ${MAX_TRACK_POINTS}`,
      },
    }),
    response: { 200: s.TRACK },
  },
  trip: {
    summary: 'A trip with its status transitions',
    tags: s.tags,
    params: s.path({ tripId: s.id('The trip’s id.') }),
    querystring: s.query({ source: s.SOURCE }),
    response: { 200: s.TRIP },
  },
  geofenceEvents: {
    summary: 'Geofence entries and exits, oldest first',
    tags: s.tags,
    querystring: s.query({
      userId: s.id('Only this user’s.'),
      geofence: { type: 'string', description: 'Only this geofence: <tag> or <tag>/<externalId>.' },
      from: s.TIME('Events at or after this time.'),
      to: s.TIME('Events before this time.'),
      limit: s.LIMIT,
      cursor: s.CURSOR,
    }),
    response: { 200: s.GEOFENCE_EVENTS },
  },
};

type SourceQuery = { Querystring: { source?: string } };
type TimeQuery = { source?: string; from?: string; to?: string; limit?: number };

export function locationRoutes(app: FastifyInstance, reader: LocationReader, ds: DataSource): void {
  app.get<{ Params: { userId: string } } & SourceQuery>('/location/users/:userId', { schema: SCHEMAS.user }, async (req) => {
    requireLocationScope(req);
    const userId = id('userId', req.params.userId);
    const q = req.query;
    const user = await reader.user(userId, q.source);
    if (!user) throw notFound(`no location user ${JSON.stringify(userId)}${q.source ? ` from source ${q.source}` : ''}`);
    return user;
  });

  app.get<{ Params: { userId: string }; Querystring: TimeQuery }>('/location/users/:userId/track', { schema: SCHEMAS.track }, async (req) => {
    requireLocationScope(req);
    const userId = id('userId', req.params.userId);
    const q = req.query;
    const limit = q.limit ?? MAX_TRACK_POINTS;
    const points = await reader.track(userId, { ...(q.source !== undefined ? { source: q.source } : {}), ...range(q), limit: limit + 1 });
    if (points.length === 0 && !(await reader.user(userId, q.source))) throw notFound(`no location user ${JSON.stringify(userId)}`);
    return trackCollection(userId, points.slice(0, limit), points.length > limit);
  });

  app.get<{ Params: { tripId: string } } & SourceQuery>('/location/trips/:tripId', { schema: SCHEMAS.trip }, async (req) => {
    requireLocationScope(req);
    const tripId = id('tripId', req.params.tripId);
    const trip = await reader.trip(tripId, req.query.source);
    if (!trip) throw notFound(`no trip ${JSON.stringify(tripId)}`);
    return trip;
  });

  app.get<{ Querystring: { userId?: string; geofence?: string; from?: string; to?: string; limit?: number; cursor?: string } }>(
    '/location/geofence-events',
    { schema: SCHEMAS.geofenceEvents },
    async (req) => {
      requireLocationScope(req);
      const q = req.query;
      const userId = q.userId === undefined ? undefined : id('userId', q.userId);
      const fence = q.geofence === undefined ? undefined : geofence('geofence', q.geofence);
      const { from, to } = range(q);
      const limit = q.limit ?? DEFAULT_LIMIT;
      const after = q.cursor === undefined ? undefined : decodePositionCursor('cursor', q.cursor, 'geofence-events', 'asc');
      const rows = await listGeofenceEvents(ds, {
        ...(userId !== undefined ? { userId } : {}),
        ...(fence !== undefined ? { geofence: fence } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(after ? { after } : {}),
        limit: limit + 1,
      });
      const paged = page(rows, limit, (last) => encodePositionCursor('geofence-events', 'asc', last));
      return { events: paged.events.map((r) => geofenceEventJson(r)), nextCursor: paged.nextCursor };
    },
  );
}
