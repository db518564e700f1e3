import {
  DEFAULT_DWELL_MS,
  type GeofencesAtLocation,
  type LocationObservation,
  type PresenceEvent,
  type PresenceOptions,
  type PresenceResult,
  type PresenceState,
  type UserPresence,
} from './presence.js';

/**
 * The crossing state machine for one user and one new location. Pure: the caller loads the
 * user's presence, asks the index which geofences hold the point, calls this, then stores
 * `changed` and publishes `events` (in one transaction, for exactly-once).
 *
 * Rules:
 * - A location not newer than the newest one accepted (recordedAt <= lastRecordedAt) is ignored
 *   entirely: duplicates and late, out-of-order points never enter, exit or dwell. Presence
 *   follows the device's own timeline, not the arrival order.
 * - Entry: inside now (`containing`), not inside before. That includes a geofence created while
 *   the user was already in it: it has no state, so the first location after its creation is
 *   the entry (membership is judged against the geofences existing when the location is
 *   processed, not when it was recorded).
 * - Exit: inside before, and neither in `containing` nor in `retaining` (the hysteresis band:
 *   with a margin of N m, an exit needs the point more than N m outside; default 0).
 * - Dwell: once per stay, on the first accepted location at or after `since + dwellMs` while
 *   inside (so with dwellMs 0, the entering location dwells too, after the entry).
 * - A geofence deleted while the user is inside gives no exit: deleting is no crossing. Its
 *   state is dropped (changed: null); if it is created again, the next location inside is a new
 *   entry. A geofence reshaped so the user is now outside gives an exit on the next location.
 */
export function nextPresence(
  presence: UserPresence,
  observation: LocationObservation,
  geofences: GeofencesAtLocation,
  options: PresenceOptions = {},
): PresenceResult {
  const { recordedAt: t, lon, lat } = observation;
  if (!Number.isFinite(t)) throw new RangeError(`recordedAt must be a finite epoch-ms number, got ${t}`);
  if (presence.lastRecordedAt !== null && t <= presence.lastRecordedAt) return { presence, events: [], changed: new Map(), ignored: 'stale' };

  const dwellMs = options.dwellMs === undefined ? DEFAULT_DWELL_MS : options.dwellMs;
  if (dwellMs !== null && !(dwellMs >= 0)) throw new RangeError(`dwellMs must be >= 0 or null, got ${dwellMs}`);
  const containing = new Set(geofences.containing);
  const retaining = new Set(geofences.retaining ?? []);
  for (const id of containing) retaining.add(id);

  const states = new Map(presence.geofences);
  const changed = new Map<string, PresenceState | null>();
  const set = (id: string, state: PresenceState | null): void => {
    if (state) states.set(id, state);
    else states.delete(id);
    changed.set(id, state);
  };
  const event = (type: PresenceEvent['type'], geofenceId: string, enteredAt: number): PresenceEvent => ({
    type,
    geofenceId,
    recordedAt: t,
    lon,
    lat,
    enteredAt,
    durationMs: t - enteredAt,
  });

  const exits: PresenceEvent[] = [];
  for (const [id, state] of presence.geofences) {
    if (!geofences.exists(id)) set(id, null);
    else if (state.inside && !retaining.has(id)) {
      exits.push(event('user.exited_geofence', id, state.since));
      set(id, { inside: false, since: t, dwellEmitted: false });
    }
  }

  const entries: PresenceEvent[] = [];
  for (const id of containing) {
    if (states.get(id)?.inside || !geofences.exists(id)) continue;
    entries.push(event('user.entered_geofence', id, t));
    set(id, { inside: true, since: t, dwellEmitted: false });
  }

  const dwells: PresenceEvent[] = [];
  if (dwellMs !== null) {
    for (const [id, state] of states) {
      if (!state.inside || state.dwellEmitted || t < state.since + dwellMs) continue;
      dwells.push(event('user.dwelled_in_geofence', id, state.since));
      set(id, { ...state, dwellEmitted: true });
    }
  }

  const byId = (a: PresenceEvent, b: PresenceEvent): number => (a.geofenceId < b.geofenceId ? -1 : a.geofenceId > b.geofenceId ? 1 : 0);
  return {
    presence: { lastRecordedAt: t, geofences: states },
    events: [...exits.sort(byId), ...entries.sort(byId), ...dwells.sort(byId)],
    changed,
    ignored: null,
  };
}
