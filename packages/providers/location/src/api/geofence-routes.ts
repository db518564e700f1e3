import type { FastifyInstance } from 'fastify';
import { badRequest, notFound, DEFAULT_LIMIT } from '@hookstream/pipeline';
import type { DataSource } from '@hookstream/store';
import { deleteGeofence, getGeofence, listGeofences, putGeofences } from '../store/geofence-store.js';
import { geofenceView, parseGeofenceBody, readGeofenceRef } from './geofence-body.js';
import * as s from './schemas.js';
import { requireLocationScope } from './scope.js';

/** The list's cursor: the last (tag, externalId) returned, base64url JSON (not secret, just opaque). */
const encodeCursor = (tag: string, externalId: string): string =>
  Buffer.from(JSON.stringify({ v: 1, k: 'geofences', t: tag, e: externalId })).toString('base64url');

function decodeCursor(raw: string): { tag: string; externalId: string } {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (c.v === 1 && c.k === 'geofences' && typeof c.t === 'string' && typeof c.e === 'string') return { tag: c.t, externalId: c.e };
  } catch {
    // Reported below like any other malformed cursor.
  }
  throw badRequest('cursor', 'malformed cursor (use nextCursor from GET /geofences)');
}

const SCHEMAS = {
  list: {
    summary: 'Geofences by tag and external id',
    tags: s.tags,
    querystring: s.query({ tag: s.TAG, limit: s.LIMIT, cursor: s.CURSOR }),
    response: { 200: s.GEOFENCES_PAGE },
  },
  get: { summary: 'One geofence', tags: s.tags, params: s.GEOFENCE_PATH, querystring: s.query(), response: { 200: s.GEOFENCE } },
  put: {
    summary: 'Create or replace a geofence (Radar’s shape; admin tokens)',
    tags: s.tags,
    params: s.GEOFENCE_PATH,
    querystring: s.query(),
    body: s.GEOFENCE_BODY,
    response: { 200: { ...s.GEOFENCE, description: 'Replaced' }, 201: { ...s.GEOFENCE, description: 'Created' } },
  },
  remove: {
    summary: 'Delete a geofence (admin tokens)',
    tags: s.tags,
    params: s.GEOFENCE_PATH,
    querystring: s.query(),
    response: { 204: { description: 'Deleted', type: 'null' } },
  },
};

/** Reads, for any token whose scope includes location. */
export function geofenceReadRoutes(app: FastifyInstance, ds: DataSource): void {
  app.get<{ Querystring: { tag?: string; limit?: number; cursor?: string } }>('/geofences', { schema: SCHEMAS.list }, async (req) => {
    requireLocationScope(req);
    const q = req.query;
    const limit = q.limit ?? DEFAULT_LIMIT;
    const rows = await listGeofences(ds, {
      ...(q.tag !== undefined ? { tag: q.tag } : {}),
      ...(q.cursor !== undefined ? { after: decodeCursor(q.cursor) } : {}),
      limit: limit + 1,
    });
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return { geofences: shown.map(geofenceView), nextCursor: rows.length > limit && last ? encodeCursor(last.tag, last.externalId) : null };
  });

  app.get('/geofences/:tag/:externalId', { schema: SCHEMAS.get }, async (req) => {
    requireLocationScope(req);
    const ref = readGeofenceRef(req.params);
    const g = await getGeofence(ds, ref.tag, ref.externalId);
    if (!g) throw notFound(`no geofence ${ref.tag}/${ref.externalId}`);
    return geofenceView(g);
  });
}

/** Changes: admin tokens only (the host puts these behind its admin check). */
export function geofenceAdminRoutes(app: FastifyInstance, ds: DataSource, now: () => number): void {
  // Polygons of 2,000 points fit easily; the host's default limit is smaller.
  app.put('/geofences/:tag/:externalId', { bodyLimit: 512 * 1024, schema: SCHEMAS.put }, async (req, reply) => {
    const ref = readGeofenceRef(req.params);
    const body = parseGeofenceBody(req.body);
    const [put] = await putGeofences(ds, [{ ...ref, ...body }], now());
    if (!put) throw new Error('putGeofences answered nothing for one geofence');
    return reply.code(put.created ? 201 : 200).send(geofenceView(put.record));
  });

  app.delete('/geofences/:tag/:externalId', { schema: SCHEMAS.remove }, async (req, reply) => {
    const ref = readGeofenceRef(req.params);
    if (!(await deleteGeofence(ds, ref.tag, ref.externalId, now()))) throw notFound(`no geofence ${ref.tag}/${ref.externalId}`);
    return reply.code(204).send();
  });
}
