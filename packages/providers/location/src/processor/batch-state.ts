import type { LocationObservation, PresenceResult, PresenceState, UserPresence } from '@hookstream/geo';
import { prepareLedgerRow, type LedgerEvent, type LedgerInsert, type QueryRunner } from '@hookstream/store';
import { PROVIDER } from '../constants.js';
import { geofenceEventJson, geofenceEventKey, type GeofenceEventRow } from '../geofence-event.js';
import { insertGeofenceEvents } from '../store/geofence-event-store.js';
import { insertPoints, type PointRow } from '../store/point-writer.js';
import { loadPresence, writePresence, type PresenceByUser, type PresenceChange } from '../store/presence-writer.js';
import { insertTransitions, lockTrips, tripKeyString, upsertTrips, type TripKey, type TripRow, type TransitionRow } from '../store/trip-writer.js';
import { lockUsers, upsertUsers, userKeyString, type UserKey, type UserRow } from '../store/user-writer.js';
import type { LocationMessage } from './decode.js';
import type { GeofenceMeta } from './geofence-cache.js';
import { advanceTrip, statusOf } from './trip-state.js';

/** A location that moves its user forward: what the geofence state machine runs on. */
export interface Located {
  key: UserKey;
  presence: UserPresence;
  observation: LocationObservation;
}

type Derived = Omit<GeofenceEventRow, 'id'> & { cause: LocationMessage };

/**
 * The batch's view of its users and trips, loaded (and locked) once, advanced event by event in
 * partition order, and written once at the end: one statement per table, not per event.
 */
export class BatchState {
  private readonly points: PointRow[] = [];
  private readonly transitions: TransitionRow[] = [];
  private readonly presenceChanges = new Map<string, PresenceChange>();
  private readonly derived: Derived[] = [];
  private readonly touchedUsers = new Map<string, UserKey>();
  private readonly touchedTrips = new Map<string, TripKey>();
  private derivedRows: GeofenceEventRow[] = [];

  private constructor(
    private readonly users: Map<string, UserRow>,
    private readonly presence: PresenceByUser,
    private readonly trips: Map<string, TripRow>,
  ) {}

  static async load(qr: QueryRunner, events: readonly LocationMessage[]): Promise<BatchState> {
    const userKeys = unique(
      events.map((e) => ({ source: e.source, userId: e.event.userId })),
      userKeyString,
    );
    const tripKeys = unique(
      events.flatMap((e) => (e.event.trip ? [{ source: e.source, tripId: e.event.trip.tripId }] : [])),
      tripKeyString,
    );
    // Users first, in one statement: their row locks are what serialise two batches of one user.
    const users = await lockUsers(qr, userKeys);
    const presence = await loadPresence(qr, userKeys);
    const trips = tripKeys.length > 0 ? await lockTrips(qr, tripKeys) : new Map<string, TripRow>();
    return new BatchState(users, presence, trips);
  }

  /** Records one new event; answers the presence input when its position is the user's newest. */
  apply(m: LocationMessage, ledgerId: number, now: number): Located | null {
    const e = m.event;
    const key = { source: m.source, userId: e.userId };
    const k = userKeyString(key);
    const user = this.users.get(k);
    if (e.location)
      this.points.push({
        eventId: ledgerId,
        source: m.source,
        userId: e.userId,
        deviceId: e.deviceId,
        ...e.location,
        recordedAt: e.recordedAt,
        tripId: e.trip?.tripId ?? null,
      });
    if (e.trip) this.applyTrip(m, ledgerId, now);
    // An event older than the user's newest location changes neither the user nor its geofences.
    const lastAt = user?.recordedAt ?? null;
    if (lastAt !== null && e.recordedAt < lastAt) return null;
    const newer = e.location !== null && (lastAt === null || e.recordedAt > lastAt);
    const next: UserRow = {
      deviceId: e.deviceId ?? user?.deviceId ?? null,
      live: e.live ?? user?.live ?? null,
      lat: newer && e.location ? e.location.lat : (user?.lat ?? null),
      lon: newer && e.location ? e.location.lon : (user?.lon ?? null),
      accuracy: newer && e.location ? e.location.accuracy : (user?.accuracy ?? null),
      recordedAt: newer ? e.recordedAt : lastAt,
      locationEventId: newer ? ledgerId : (user?.locationEventId ?? null),
      tripId: e.trip?.tripId ?? user?.tripId ?? null,
      firstSeenAt: user?.firstSeenAt ?? now,
    };
    this.users.set(k, next);
    this.touchedUsers.set(k, key);
    if (!newer || !e.location) return null;
    return {
      key,
      presence: { lastRecordedAt: lastAt, geofences: this.presence.get(k) ?? new Map<string, PresenceState>() },
      observation: { recordedAt: e.recordedAt, lon: e.location.lon, lat: e.location.lat },
    };
  }

  private applyTrip(m: LocationMessage, ledgerId: number, now: number): void {
    const trip = m.event.trip;
    if (!trip) return;
    const key = { source: m.source, tripId: trip.tripId };
    const k = tripKeyString(key);
    const current = this.trips.get(k) ?? null;
    const { state, reached } = advanceTrip(current, statusOf(m.event.type, trip.status), m.event.recordedAt, trip.startedAt);
    this.trips.set(k, {
      ...state,
      externalId: trip.externalId ?? current?.externalId ?? null,
      userId: m.event.userId,
      metadata: trip.metadata ?? current?.metadata ?? null,
      createdAt: current?.createdAt ?? now,
      lastEventId: ledgerId,
    });
    this.touchedTrips.set(k, key);
    if (reached) this.transitions.push({ ...key, status: reached, reachedAt: m.event.recordedAt, eventId: ledgerId, eventType: m.event.type });
  }

  /** Keeps the machine's result: the new states to write and the events to derive. */
  presenceChanged(key: UserKey, result: PresenceResult, cause: LocationMessage, ledgerId: number, meta: (id: string) => GeofenceMeta | undefined): void {
    const k = userKeyString(key);
    this.presence.set(k, new Map(result.presence.geofences));
    for (const [geofenceId, state] of result.changed) this.presenceChanges.set(`${k}\u0000${geofenceId}`, { key, geofenceId, state });
    for (const p of result.events) {
      const g = meta(p.geofenceId);
      // The index and the metadata change together; an id without metadata cannot be matched.
      if (!g) continue;
      this.derived.push({
        source: key.source,
        userId: key.userId,
        geofenceId: g.id,
        tag: g.tag,
        externalId: g.externalId,
        type: p.type,
        lat: p.lat,
        lon: p.lon,
        occurredAt: p.recordedAt,
        enteredAt: p.enteredAt,
        durationMs: p.durationMs,
        locationEventId: ledgerId,
        cause,
      });
    }
  }

  /** The geofence events as ledger rows (cross-provider reads, deliveries); answers them with their ids. */
  async insertDerived(ledger: LedgerInsert, now: number): Promise<GeofenceEventRow[]> {
    if (this.derived.length === 0) return [];
    const ids = await ledger.insert(this.derived.map((d) => prepareLedgerRow(derivedLedgerEvent(d), now)));
    this.derivedRows = this.derived.flatMap(({ cause: _c, ...d }, i) => (ids[i] == null ? [] : [{ ...d, id: ids[i] as number }]));
    return this.derivedRows;
  }

  async write(qr: QueryRunner, now: number): Promise<void> {
    await insertPoints(qr, this.points);
    await upsertUsers(
      qr,
      [...this.touchedUsers].map(([k, key]) => ({ key, row: this.users.get(k) as UserRow })),
      now,
    );
    await upsertTrips(
      qr,
      [...this.touchedTrips].map(([k, key]) => ({ key, row: this.trips.get(k) as TripRow })),
      now,
    );
    await insertTransitions(qr, this.transitions);
    await writePresence(qr, [...this.presenceChanges.values()]);
    await insertGeofenceEvents(qr, this.derivedRows, now);
  }
}

function derivedLedgerEvent(d: Derived): LedgerEvent {
  const key = geofenceEventKey(d);
  const { ledgerId: _id, ...raw } = geofenceEventJson({ ...d, id: 0 });
  return {
    provider: PROVIDER,
    source: d.source,
    tenant: null,
    type: d.type,
    subject: d.userId,
    eventId: key,
    idempotencyKey: key,
    occurredAt: d.occurredAt,
    receivedAt: d.cause.ledger.receivedAt,
    requestId: d.cause.ledger.requestId,
    raw: { ...raw, causedBy: d.cause.event.eventId },
  };
}

function unique<T>(items: readonly T[], keyOf: (t: T) => string): T[] {
  return [...new Map(items.map((t) => [keyOf(t), t])).values()];
}
