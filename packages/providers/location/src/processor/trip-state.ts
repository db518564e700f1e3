/**
 * A trip's lifecycle, Radar's: started → approaching → arrived → ended (completed, canceled,
 * expired or stopped). A status never goes back: a late `approaching` after `arrived` is kept
 * in the event history but does not change the trip.
 */
const RANKS: Readonly<Record<string, number>> = { started: 1, approaching: 2, arrived: 3, completed: 4, canceled: 4, expired: 4, stopped: 4 };

/** What an event type says of its trip's status; `user.updated_trip` says nothing new. */
const BY_TYPE: Readonly<Record<string, string>> = {
  'user.started_trip': 'started',
  'user.approaching_trip_destination': 'approaching',
  'user.arrived_at_trip_destination': 'arrived',
  'user.stopped_trip': 'stopped',
};

export const rankOf = (status: string): number | undefined => RANKS[status];

/**
 * The status an event moves its trip to: an end status the payload names beats the type's
 * generic `stopped`; a payload status we do not know is ignored (the type still counts).
 */
export function statusOf(type: string, payloadStatus: string | null): string {
  const fromType = BY_TYPE[type];
  const known = payloadStatus !== null && rankOf(payloadStatus) !== undefined ? payloadStatus : null;
  if (fromType === 'stopped' && known !== null && rankOf(known) === 4) return known;
  if (fromType !== undefined) return known !== null && (rankOf(known) ?? 0) > (rankOf(fromType) ?? 0) ? known : fromType;
  return known ?? 'started';
}

export interface TripState {
  status: string;
  rank: number;
  startedAt: number | null;
  endedAt: number | null;
}

/** The trip after one event at `at`; `reached` names the status newly reached (for the transitions table), if any. */
export function advanceTrip(current: TripState | null, status: string, at: number, startedAt: number | null): { state: TripState; reached: string | null } {
  const rank = rankOf(status) ?? 1;
  const begin = current?.startedAt ?? startedAt ?? at;
  if (current && rank <= current.rank) return { state: { ...current, startedAt: begin }, reached: null };
  return { state: { status, rank, startedAt: begin, endedAt: rank === 4 ? at : null }, reached: status };
}
