export type GeofenceEventType = 'user.entered_geofence' | 'user.exited_geofence' | 'user.dwelled_in_geofence';

/**
 * One user's standing with one geofence. `since` is the recordedAt (epoch ms) of the location
 * that last flipped `inside`. A missing state means "outside", exactly like `inside: false`,
 * so a store may prune outside states whenever it likes.
 */
export interface PresenceState {
  readonly inside: boolean;
  readonly since: number;
  readonly dwellEmitted: boolean;
}

/** Everything the machine knows about one user. */
export interface UserPresence {
  /** recordedAt of the newest location accepted so far; null before the first. */
  readonly lastRecordedAt: number | null;
  readonly geofences: ReadonlyMap<string, PresenceState>;
}

export interface LocationObservation {
  /** When the device recorded the location, epoch ms. */
  readonly recordedAt: number;
  readonly lon: number;
  readonly lat: number;
}

/** What the geofence index says about the location, as of now (see geofencesAt). */
export interface GeofencesAtLocation {
  /** Geofences containing the location. */
  readonly containing: Iterable<string>;
  /**
   * Geofences a user already inside stays inside of: those within the exit margin. Defaults to
   * `containing` (no hysteresis). Should include `containing`; missing ids are added.
   */
  readonly retaining?: Iterable<string>;
  /** Whether a geofence still exists. A state of a deleted one is dropped without an event. */
  readonly exists: (id: string) => boolean;
}

export interface PresenceOptions {
  /** Time inside before `user.dwelled_in_geofence`; null: never. Default DEFAULT_DWELL_MS. */
  readonly dwellMs?: number | null;
}

export const DEFAULT_DWELL_MS = 5 * 60_000;

export interface PresenceEvent {
  readonly type: GeofenceEventType;
  readonly geofenceId: string;
  /** The location that caused the event. */
  readonly recordedAt: number;
  readonly lon: number;
  readonly lat: number;
  /**
   * Start of the stay the event belongs to. With (user, geofence, type) it names the event
   * uniquely, so a consumer or table can dedupe a re-delivered event.
   */
  readonly enteredAt: number;
  /** recordedAt − enteredAt (0 for an entry). */
  readonly durationMs: number;
}

export interface PresenceResult {
  readonly presence: UserPresence;
  /** Exits first, then entries, then dwells; each group by geofence id. */
  readonly events: readonly PresenceEvent[];
  /** The states that changed, for a store to write: null = delete the row. */
  readonly changed: ReadonlyMap<string, PresenceState | null>;
  /** 'stale': recordedAt <= lastRecordedAt, the location changed nothing. */
  readonly ignored: 'stale' | null;
}
