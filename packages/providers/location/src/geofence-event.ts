import type { GeofenceEventType } from '@hookstream/geo';

/** One derived geofence event as the table holds it; `id` is its ledger row's id. */
export interface GeofenceEventRow {
  id: number;
  source: string;
  userId: string;
  geofenceId: number;
  tag: string;
  externalId: string;
  type: GeofenceEventType;
  lat: number;
  lon: number;
  /** The causing location's recordedAt. */
  occurredAt: number;
  /** Start of the stay the event belongs to. */
  enteredAt: number;
  durationMs: number;
  /** Ledger id of the location event that caused it. */
  locationEventId: number;
}

/**
 * The event's stable key: one per (source, user, geofence, stay, type), so a consumer of the stream or a
 * second publish can dedupe. Also its ledger idempotency key and event id.
 */
export const geofenceEventKey = (e: Pick<GeofenceEventRow, 'source' | 'userId' | 'geofenceId' | 'type' | 'enteredAt'>): string =>
  `gf:${e.geofenceId}:${e.enteredAt}:${e.type.slice('user.'.length)}:${e.source}:${e.userId}`;

/** The JSON of a geofence event: the stream's message, a ledger row's payload and the API's answer. */
export function geofenceEventJson(e: GeofenceEventRow, description: string | null = null): Record<string, unknown> {
  return {
    id: geofenceEventKey(e),
    ledgerId: e.id,
    type: e.type,
    source: e.source,
    userId: e.userId,
    geofence: { id: e.geofenceId, tag: e.tag, externalId: e.externalId, ...(description !== null ? { description } : {}) },
    location: { lat: e.lat, lon: e.lon },
    occurredAt: new Date(e.occurredAt).toISOString(),
    enteredAt: new Date(e.enteredAt).toISOString(),
    durationMs: e.durationMs,
    locationEventId: e.locationEventId,
  };
}
