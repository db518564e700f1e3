import { describe, expect, it } from 'vitest';
import { advanceTrip, rankOf, statusOf, type TripState } from './trip-state.js';

const T0 = Date.UTC(2026, 2, 1, 8);
const at = (min: number) => T0 + min * 60_000;

describe('statusOf', () => {
  it.each([
    ['user.started_trip', null, 'started'],
    ['user.approaching_trip_destination', null, 'approaching'],
    ['user.arrived_at_trip_destination', null, 'arrived'],
    ['user.stopped_trip', null, 'stopped'],
    // A stop names its end: the payload's end status beats the generic "stopped".
    ['user.stopped_trip', 'completed', 'completed'],
    ['user.stopped_trip', 'canceled', 'canceled'],
    ['user.stopped_trip', 'expired', 'expired'],
    // A stop whose payload still says a running status is a stop.
    ['user.stopped_trip', 'arrived', 'stopped'],
    ['user.stopped_trip', 'started', 'stopped'],
    // A payload status ahead of the type wins; one behind it does not.
    ['user.started_trip', 'arrived', 'arrived'],
    ['user.approaching_trip_destination', 'canceled', 'canceled'],
    ['user.arrived_at_trip_destination', 'started', 'arrived'],
    ['user.arrived_at_trip_destination', 'approaching', 'arrived'],
    // user.updated_trip says nothing of its own: the payload's status, else started.
    ['user.updated_trip', 'approaching', 'approaching'],
    ['user.updated_trip', 'completed', 'completed'],
    ['user.updated_trip', null, 'started'],
    // An unknown payload status is ignored, the type still counts.
    ['user.updated_trip', 'paused', 'started'],
    ['user.arrived_at_trip_destination', 'paused', 'arrived'],
    ['user.stopped_trip', 'paused', 'stopped'],
    ['user.entered_geofence', null, 'started'],
  ])('%s with payload status %j moves the trip to %s', (type, payloadStatus, expected) => {
    expect(statusOf(type, payloadStatus)).toBe(expected);
  });

  it('ranks the lifecycle started < approaching < arrived < every end status', () => {
    expect(['started', 'approaching', 'arrived', 'completed', 'canceled', 'expired', 'stopped', 'paused'].map(rankOf)).toEqual([
      1,
      2,
      3,
      4,
      4,
      4,
      4,
      undefined,
    ]);
  });
});

describe('advanceTrip', () => {
  it('starts a trip at its first event, at the payload’s startedAt when it gives one', () => {
    expect(advanceTrip(null, 'started', at(5), null)).toEqual({
      state: { status: 'started', rank: 1, startedAt: at(5), endedAt: null },
      reached: 'started',
    });
    expect(advanceTrip(null, 'approaching', at(5), at(1))).toEqual({
      state: { status: 'approaching', rank: 2, startedAt: at(1), endedAt: null },
      reached: 'approaching',
    });
  });

  it('moves forward through the lifecycle and sets endedAt only on an end status', () => {
    let state: TripState | null = null;
    const reached: Array<string | null> = [];
    for (const [status, min] of [
      ['started', 0],
      ['approaching', 10],
      ['arrived', 20],
      ['completed', 25],
    ] as const) {
      const r = advanceTrip(state, status, at(min), null);
      state = r.state;
      reached.push(r.reached);
      expect(state.endedAt).toBe(status === 'completed' ? at(25) : null);
    }
    expect(reached).toEqual(['started', 'approaching', 'arrived', 'completed']);
    expect(state).toEqual({ status: 'completed', rank: 4, startedAt: at(0), endedAt: at(25) });
  });

  it('never goes back: a late approaching after arrived changes nothing and reaches nothing', () => {
    const arrived: TripState = { status: 'arrived', rank: 3, startedAt: at(0), endedAt: null };
    expect(advanceTrip(arrived, 'approaching', at(30), null)).toEqual({ state: arrived, reached: null });
    expect(advanceTrip(arrived, 'started', at(30), at(-5))).toEqual({ state: arrived, reached: null });
    // The same status again is no transition either.
    expect(advanceTrip(arrived, 'arrived', at(31), null)).toEqual({ state: arrived, reached: null });
  });

  it('keeps the first end: one end status does not replace another, endedAt stays', () => {
    const done: TripState = { status: 'completed', rank: 4, startedAt: at(0), endedAt: at(25) };
    for (const status of ['canceled', 'expired', 'stopped', 'completed', 'arrived']) {
      expect(advanceTrip(done, status, at(40), null)).toEqual({ state: done, reached: null });
    }
  });

  it('ends a trip skipped straight to an end status, at that event', () => {
    expect(advanceTrip(null, 'canceled', at(3), null)).toEqual({
      state: { status: 'canceled', rank: 4, startedAt: at(3), endedAt: at(3) },
      reached: 'canceled',
    });
    const started: TripState = { status: 'started', rank: 1, startedAt: at(0), endedAt: null };
    expect(advanceTrip(started, 'expired', at(60), null)).toEqual({
      state: { status: 'expired', rank: 4, startedAt: at(0), endedAt: at(60) },
      reached: 'expired',
    });
  });

  it('keeps the startedAt it has over a later event’s, and fills one in when it had none', () => {
    const started: TripState = { status: 'started', rank: 1, startedAt: at(0), endedAt: null };
    expect(advanceTrip(started, 'arrived', at(20), at(7)).state.startedAt).toBe(at(0));
    const unknownStart: TripState = { status: 'approaching', rank: 2, startedAt: null, endedAt: null };
    expect(advanceTrip(unknownStart, 'started', at(20), at(2))).toEqual({ state: { ...unknownStart, startedAt: at(2) }, reached: null });
    expect(advanceTrip(unknownStart, 'approaching', at(20), null)).toEqual({ state: { ...unknownStart, startedAt: at(20) }, reached: null });
  });

  it('treats a status it does not rank as a start', () => {
    expect(advanceTrip(null, 'paused', at(1), null)).toEqual({ state: { status: 'paused', rank: 1, startedAt: at(1), endedAt: null }, reached: 'paused' });
    const approaching: TripState = { status: 'approaching', rank: 2, startedAt: at(0), endedAt: null };
    expect(advanceTrip(approaching, 'paused', at(2), null)).toEqual({ state: approaching, reached: null });
  });

  it('follows statusOf through a Radar trip told out of order', () => {
    const events: Array<[string, string | null, number]> = [
      ['user.started_trip', null, 0],
      ['user.arrived_at_trip_destination', null, 20],
      ['user.approaching_trip_destination', null, 15],
      ['user.updated_trip', 'approaching', 21],
      ['user.stopped_trip', 'completed', 30],
      ['user.stopped_trip', 'canceled', 31],
    ];
    let state: TripState | null = null;
    const reached: string[] = [];
    for (const [type, payload, min] of events) {
      const r = advanceTrip(state, statusOf(type, payload), at(min), null);
      state = r.state;
      if (r.reached) reached.push(r.reached);
    }
    expect(reached).toEqual(['started', 'arrived', 'completed']);
    expect(state).toEqual({ status: 'completed', rank: 4, startedAt: at(0), endedAt: at(30) });
  });
});
