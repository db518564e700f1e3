/** A position as the device reported it; degrees (WGS 84), accuracy in meters. */
export interface Fix {
  lat: number;
  lon: number;
  accuracy: number | null;
}

/** The trip an event belongs to, as far as the event says. */
export interface TripInfo {
  /** The sender's trip id (Radar's `_id`); the external id when it gives no other. */
  tripId: string;
  externalId: string | null;
  /** The status the payload states (`started`, `approaching`, `arrived`, `completed`, …), if any. */
  status: string | null;
  metadata: Record<string, unknown> | null;
  startedAt: number | null;
}

/**
 * One location event, whichever shape it came in (Radar's `{event, user}` / `{events, user}`
 * or the reference system's flat record): what the processor stores and matches geofences with.
 */
export interface LocationEvent {
  /** The sender's event id: the ledger's event id and idempotency key within the source. */
  eventId: string;
  type: string;
  userId: string;
  deviceId: string | null;
  live: boolean | null;
  /** When the device recorded it, epoch ms: the presence timeline and the track's order. */
  recordedAt: number;
  location: Fix | null;
  trip: TripInfo | null;
}

/** The ledger payload of a location event: the normalised fields, and the event as sent. */
export interface LocationPayload extends Omit<LocationEvent, 'recordedAt'> {
  v: 1;
  recordedAt: string;
  raw: unknown;
}

/** Types that carry no position of their own; every other type needs one. */
export const POSITIONLESS_TYPES: ReadonlySet<string> = new Set(['user.stopped_trip', 'user.deleted']);
