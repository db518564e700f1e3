import type { DataSource } from '@hookstream/store';
import { num, numOrNull } from './sql.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export interface UserView {
  source: string;
  userId: string;
  deviceId: string | null;
  live: boolean | null;
  location: { lat: number; lon: number; accuracy: number | null; recordedAt: string | null; eventId: number | null } | null;
  tripId: string | null;
  /** The geofences the user is inside now, with when it entered. */
  geofences: Array<{ tag: string; externalId: string; since: string }>;
  firstSeenAt: string;
  updatedAt: string;
}

export interface TrackPoint {
  eventId: number;
  lat: number;
  lon: number;
  accuracy: number | null;
  recordedAt: number;
  tripId: string | null;
  deviceId: string | null;
}

export interface TripView {
  source: string;
  tripId: string;
  externalId: string | null;
  userId: string;
  status: string;
  metadata: Record<string, unknown> | null;
  startedAt: string | null;
  endedAt: string | null;
  createdAt: string;
  updatedAt: string;
  transitions: Array<{ status: string; reachedAt: string; eventId: number; eventType: string }>;
}

const json = (v: unknown): Record<string, unknown> | null =>
  v === null || v === undefined ? null : ((typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>);

export interface LocationReader {
  /** The user's latest state; with no source, the most recently updated user of that id across sources. */
  user(userId: string, source?: string): Promise<UserView | null>;
  /** Positions in [from, to), oldest first, at most `limit`. */
  track(userId: string, opts: { source?: string; from?: number; to?: number; limit: number }): Promise<TrackPoint[]>;
  trip(tripId: string, source?: string): Promise<TripView | null>;
}

export function createLocationReader(ds: DataSource): LocationReader {
  return {
    async user(userId, source) {
      const rows = (await ds.query(
        `SELECT source, user_id, device_id, live, lat, lon, accuracy, recorded_at, location_event_id, trip_id, first_seen_at, updated_at
           FROM location_users WHERE user_id = ?${source !== undefined ? ' AND source = ?' : ''} ORDER BY updated_at DESC LIMIT 1`,
        source !== undefined ? [userId, source] : [userId],
      )) as Array<Record<string, unknown>>;
      const r = rows[0];
      if (!r) return null;
      const inside = (await ds.query(
        `SELECT g.tag, g.external_id, p.since FROM geofence_presence p JOIN geofences g ON g.id = p.geofence_id AND g.live_key = 0
          WHERE p.source = ? AND p.user_id = ? AND p.inside = 1 ORDER BY g.tag, g.external_id`,
        [r.source, userId],
      )) as Array<Record<string, unknown>>;
      const lat = numOrNull(r.lat);
      const lon = numOrNull(r.lon);
      return {
        source: String(r.source),
        userId,
        deviceId: (r.device_id as string | null) ?? null,
        live: r.live === null ? null : num(r.live) === 1,
        location:
          lat === null || lon === null
            ? null
            : { lat, lon, accuracy: numOrNull(r.accuracy), recordedAt: iso(numOrNull(r.recorded_at)), eventId: numOrNull(r.location_event_id) },
        tripId: (r.trip_id as string | null) ?? null,
        geofences: inside.map((g) => ({ tag: String(g.tag), externalId: String(g.external_id), since: iso(num(g.since)) as string })),
        firstSeenAt: iso(num(r.first_seen_at)) as string,
        updatedAt: iso(num(r.updated_at)) as string,
      };
    },

    async track(userId, opts) {
      const where = ['user_id = ?'];
      const params: unknown[] = [userId];
      const add = (sql: string, value: unknown): void => {
        where.push(sql);
        params.push(value);
      };
      if (opts.source !== undefined) add('source = ?', opts.source);
      if (opts.from !== undefined) add('recorded_at >= ?', opts.from);
      if (opts.to !== undefined) add('recorded_at < ?', opts.to);
      const rows = (await ds.query(
        `SELECT event_id, lat, lon, accuracy, recorded_at, trip_id, device_id FROM location_points WHERE ${where.join(' AND ')} ORDER BY recorded_at, event_id LIMIT ?`,
        [...params, opts.limit],
      )) as Array<Record<string, unknown>>;
      return rows.map((r) => ({
        eventId: num(r.event_id),
        lat: num(r.lat),
        lon: num(r.lon),
        accuracy: numOrNull(r.accuracy),
        recordedAt: num(r.recorded_at),
        tripId: (r.trip_id as string | null) ?? null,
        deviceId: (r.device_id as string | null) ?? null,
      }));
    },

    async trip(tripId, source) {
      const rows = (await ds.query(
        `SELECT source, trip_id, external_id, user_id, status, metadata, started_at, ended_at, created_at, updated_at
           FROM location_trips WHERE trip_id = ?${source !== undefined ? ' AND source = ?' : ''} ORDER BY updated_at DESC LIMIT 1`,
        source !== undefined ? [tripId, source] : [tripId],
      )) as Array<Record<string, unknown>>;
      const r = rows[0];
      if (!r) return null;
      const transitions = (await ds.query(
        'SELECT status, reached_at, event_id, event_type FROM location_trip_transitions WHERE source = ? AND trip_id = ? ORDER BY reached_at, event_id',
        [r.source, tripId],
      )) as Array<Record<string, unknown>>;
      return {
        source: String(r.source),
        tripId,
        externalId: (r.external_id as string | null) ?? null,
        userId: String(r.user_id),
        status: String(r.status),
        metadata: json(r.metadata),
        startedAt: iso(numOrNull(r.started_at)),
        endedAt: iso(numOrNull(r.ended_at)),
        createdAt: iso(num(r.created_at)) as string,
        updatedAt: iso(num(r.updated_at)) as string,
        transitions: transitions.map((t) => ({
          status: String(t.status),
          reachedAt: iso(num(t.reached_at)) as string,
          eventId: num(t.event_id),
          eventType: String(t.event_type),
        })),
      };
    },
  };
}
