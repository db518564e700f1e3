import type { QueryRunner } from '@hookstream/store';
import { bySource, num, numOrNull, placeholders, rowsOf } from './sql.js';

export interface UserKey {
  source: string;
  userId: string;
}

export interface UserRow {
  deviceId: string | null;
  live: boolean | null;
  lat: number | null;
  lon: number | null;
  accuracy: number | null;
  /** The newest accepted location's time: older ones never move the user or its geofences. */
  recordedAt: number | null;
  locationEventId: number | null;
  tripId: string | null;
  firstSeenAt: number;
}

export const userKeyString = (k: UserKey): string => `${k.source}\u0000${k.userId}`;

/** The users' rows, locked until commit: two batches touching one user serialise here. */
export async function lockUsers(qr: QueryRunner, keys: readonly UserKey[]): Promise<Map<string, UserRow>> {
  const out = new Map<string, UserRow>();
  for (const [source, list] of bySource(keys)) {
    const rows = (await qr.query(
      `SELECT user_id, device_id, live, lat, lon, accuracy, recorded_at, location_event_id, trip_id, first_seen_at
         FROM location_users WHERE source = ? AND user_id IN ${placeholders(list.length)} FOR UPDATE`,
      [source, ...list.map((k) => k.userId)],
    )) as Array<Record<string, unknown>>;
    for (const r of rows)
      out.set(userKeyString({ source, userId: String(r.user_id) }), {
        deviceId: (r.device_id as string | null) ?? null,
        live: r.live === null ? null : num(r.live) === 1,
        lat: numOrNull(r.lat),
        lon: numOrNull(r.lon),
        accuracy: numOrNull(r.accuracy),
        recordedAt: numOrNull(r.recorded_at),
        locationEventId: numOrNull(r.location_event_id),
        tripId: (r.trip_id as string | null) ?? null,
        firstSeenAt: num(r.first_seen_at),
      });
  }
  return out;
}

/** One statement for every user of the batch: inserted, or replaced by the state the batch computed. */
export async function upsertUsers(qr: QueryRunner, users: ReadonlyArray<{ key: UserKey; row: UserRow }>, now: number): Promise<void> {
  if (users.length === 0) return;
  const params = users.flatMap(({ key, row }) => [
    key.source,
    key.userId,
    row.deviceId,
    row.live === null ? null : row.live ? 1 : 0,
    row.lat,
    row.lon,
    row.accuracy,
    row.recordedAt,
    row.locationEventId,
    row.tripId,
    row.firstSeenAt,
    now,
  ]);
  await qr.query(
    `INSERT INTO location_users (source, user_id, device_id, live, lat, lon, accuracy, recorded_at, location_event_id, trip_id, first_seen_at, updated_at)
     VALUES ${rowsOf(users.length, 12)}
     ON DUPLICATE KEY UPDATE device_id = VALUES(device_id), live = VALUES(live), lat = VALUES(lat), lon = VALUES(lon), accuracy = VALUES(accuracy),
       recorded_at = VALUES(recorded_at), location_event_id = VALUES(location_event_id), trip_id = VALUES(trip_id), updated_at = VALUES(updated_at)`,
    params,
  );
}
