import type { QueryRunner } from '@hookstream/store';
import type { TripState } from '../processor/trip-state.js';
import { bySource, num, numOrNull, placeholders, rowsOf } from './sql.js';

export interface TripKey {
  source: string;
  tripId: string;
}

export interface TripRow extends TripState {
  externalId: string | null;
  userId: string;
  metadata: Record<string, unknown> | null;
  createdAt: number;
  lastEventId: number;
}

export interface TransitionRow extends TripKey {
  status: string;
  reachedAt: number;
  eventId: number;
  eventType: string;
}

export const tripKeyString = (k: TripKey): string => `${k.source}\u0000${k.tripId}`;

export async function lockTrips(qr: QueryRunner, keys: readonly TripKey[]): Promise<Map<string, TripRow>> {
  const out = new Map<string, TripRow>();
  for (const [source, list] of bySource(keys)) {
    const rows = (await qr.query(
      `SELECT trip_id, external_id, user_id, status, status_rank, metadata, started_at, ended_at, created_at, last_event_id
         FROM location_trips WHERE source = ? AND trip_id IN ${placeholders(list.length)} FOR UPDATE`,
      [source, ...list.map((k) => k.tripId)],
    )) as Array<Record<string, unknown>>;
    for (const r of rows)
      out.set(tripKeyString({ source, tripId: String(r.trip_id) }), {
        externalId: (r.external_id as string | null) ?? null,
        userId: String(r.user_id),
        status: String(r.status),
        rank: num(r.status_rank),
        metadata: parseJson(r.metadata),
        startedAt: numOrNull(r.started_at),
        endedAt: numOrNull(r.ended_at),
        createdAt: num(r.created_at),
        lastEventId: num(r.last_event_id),
      });
  }
  return out;
}

function parseJson(v: unknown): Record<string, unknown> | null {
  if (v === null || v === undefined) return null;
  return (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
}

export async function upsertTrips(qr: QueryRunner, trips: ReadonlyArray<{ key: TripKey; row: TripRow }>, now: number): Promise<void> {
  if (trips.length === 0) return;
  await qr.query(
    `INSERT INTO location_trips (source, trip_id, external_id, user_id, status, status_rank, metadata, started_at, ended_at, created_at, updated_at, last_event_id)
     VALUES ${rowsOf(trips.length, 12)}
     ON DUPLICATE KEY UPDATE external_id = VALUES(external_id), user_id = VALUES(user_id), status = VALUES(status), status_rank = VALUES(status_rank),
       metadata = VALUES(metadata), started_at = VALUES(started_at), ended_at = VALUES(ended_at), updated_at = VALUES(updated_at), last_event_id = VALUES(last_event_id)`,
    trips.flatMap(({ key, row }) => [
      key.source,
      key.tripId,
      row.externalId,
      row.userId,
      row.status,
      row.rank,
      row.metadata === null ? null : JSON.stringify(row.metadata),
      row.startedAt,
      row.endedAt,
      row.createdAt,
      now,
      row.lastEventId,
    ]),
  );
}

/** A status is reached once per trip: the first event that reached it is kept. */
export async function insertTransitions(qr: QueryRunner, rows: readonly TransitionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await qr.query(
    `INSERT IGNORE INTO location_trip_transitions (source, trip_id, status, reached_at, event_id, event_type) VALUES ${rowsOf(rows.length, 6)}`,
    rows.flatMap((t) => [t.source, t.tripId, t.status, t.reachedAt, t.eventId, t.eventType]),
  );
}
