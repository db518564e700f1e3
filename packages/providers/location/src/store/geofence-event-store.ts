import type { GeofenceEventType } from '@hookstream/geo';
import type { DataSource, QueryRunner } from '@hookstream/store';
import type { GeofenceEventRow } from '../geofence-event.js';
import { num, placeholders, rowsOf } from './sql.js';

export async function insertGeofenceEvents(qr: QueryRunner, rows: readonly GeofenceEventRow[], now: number): Promise<void> {
  if (rows.length === 0) return;
  await qr.query(
    `INSERT INTO geofence_events (id, source, user_id, geofence_id, tag, external_id, type, lat, lon, occurred_at, entered_at, duration_ms, location_event_id, created_at)
     VALUES ${rowsOf(rows.length, 14)}`,
    rows.flatMap((r) => [
      r.id,
      r.source,
      r.userId,
      r.geofenceId,
      r.tag,
      r.externalId,
      r.type,
      r.lat,
      r.lon,
      r.occurredAt,
      r.enteredAt,
      r.durationMs,
      r.locationEventId,
      now,
    ]),
  );
}

export async function markPublished(ds: DataSource, ids: readonly number[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await ds.query(`UPDATE geofence_events SET published_at = ? WHERE id IN ${placeholders(ids.length)}`, [now, ...ids]);
}

const COLUMNS = 'id, source, user_id, geofence_id, tag, external_id, type, lat, lon, occurred_at, entered_at, duration_ms, location_event_id';

function toRow(r: Record<string, unknown>): GeofenceEventRow {
  return {
    id: num(r.id),
    source: String(r.source),
    userId: String(r.user_id),
    geofenceId: num(r.geofence_id),
    tag: String(r.tag),
    externalId: String(r.external_id),
    type: String(r.type) as GeofenceEventType,
    lat: num(r.lat),
    lon: num(r.lon),
    occurredAt: num(r.occurred_at),
    enteredAt: num(r.entered_at),
    durationMs: num(r.duration_ms),
    locationEventId: num(r.location_event_id),
  };
}

/** Events committed before `before` whose publish never completed, oldest first. */
export async function readUnpublished(ds: DataSource, before: number, limit: number): Promise<GeofenceEventRow[]> {
  const rows = (await ds.query(`SELECT ${COLUMNS} FROM geofence_events WHERE published_at IS NULL AND created_at < ? ORDER BY created_at, id LIMIT ?`, [
    before,
    limit,
  ])) as Array<Record<string, unknown>>;
  return rows.map(toRow);
}

export interface GeofenceEventFilter {
  userId?: string;
  geofence?: { tag: string; externalId?: string };
  from?: number;
  to?: number;
  /** Keyset: the (occurredAt, id) of the last event already returned. */
  after?: { occurredAt: number; id: number };
  limit: number;
}

/** Time-ordered (occurredAt, then id) page of geofence events; `to` is exclusive. */
export async function listGeofenceEvents(ds: DataSource, f: GeofenceEventFilter): Promise<GeofenceEventRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    params.push(...values);
  };
  if (f.userId !== undefined) add('user_id = ?', f.userId);
  if (f.geofence) add('tag = ?', f.geofence.tag);
  if (f.geofence?.externalId !== undefined) add('external_id = ?', f.geofence.externalId);
  if (f.from !== undefined) add('occurred_at >= ?', f.from);
  if (f.to !== undefined) add('occurred_at < ?', f.to);
  if (f.after) add('(occurred_at > ? OR (occurred_at = ? AND id > ?))', f.after.occurredAt, f.after.occurredAt, f.after.id);
  const sql = `SELECT ${COLUMNS} FROM geofence_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY occurred_at, id LIMIT ?`;
  return ((await ds.query(sql, [...params, f.limit])) as Array<Record<string, unknown>>).map(toRow);
}
