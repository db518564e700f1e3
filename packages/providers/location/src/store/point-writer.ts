import type { QueryRunner } from '@hookstream/store';
import { rowsOf } from './sql.js';

export interface PointRow {
  eventId: number;
  source: string;
  userId: string;
  deviceId: string | null;
  lat: number;
  lon: number;
  accuracy: number | null;
  recordedAt: number;
  tripId: string | null;
}

/** Every position of the batch, keyed by its ledger id (so a redone batch cannot add one twice). */
export async function insertPoints(qr: QueryRunner, points: readonly PointRow[]): Promise<void> {
  for (let i = 0; i < points.length; i += 1000) {
    const chunk = points.slice(i, i + 1000);
    await qr.query(
      `INSERT INTO location_points (event_id, source, user_id, device_id, lat, lon, accuracy, recorded_at, trip_id) VALUES ${rowsOf(chunk.length, 9)}`,
      chunk.flatMap((p) => [p.eventId, p.source, p.userId, p.deviceId, p.lat, p.lon, p.accuracy, p.recordedAt, p.tripId]),
    );
  }
}
