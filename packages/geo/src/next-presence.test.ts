import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGeofenceIndex, type GeofenceIndex } from './geofence-index.js';
import { geofencesAt } from './locate.js';
import { nextPresence } from './next-presence.js';
import type { PresenceEvent, PresenceOptions, UserPresence } from './presence.js';
import { parseGeofenceShape } from './shape.js';

const M = 1 / 111_195.08; // degrees of latitude per meter
const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 1, 9);
const empty: UserPresence = { lastRecordedAt: null, geofences: new Map() };

/** A circle of 100 m at the origin: a point `m` meters north of its center. */
const north = (m: number) => ({ lon: 0, lat: m * M });

function withCircle(id = 'home', radius = 100): GeofenceIndex {
  const index = createGeofenceIndex();
  index.upsert(id, parseGeofenceShape({ type: 'circle', coordinates: [0, 0], radius }));
  return index;
}

/** Feeds locations in arrival order; returns every event as "type@minute" plus the final presence. */
function drive(
  index: GeofenceIndex,
  points: { min: number; lon: number; lat: number }[],
  opts: PresenceOptions & { exitMarginM?: number } = {},
  start = empty,
) {
  let presence = start;
  const events: PresenceEvent[] = [];
  for (const p of points) {
    const r = nextPresence(presence, { recordedAt: T0 + p.min * MIN, lon: p.lon, lat: p.lat }, geofencesAt(index, p.lon, p.lat, opts), opts);
    presence = r.presence;
    events.push(...r.events);
  }
  const short = events.map(
    (e) => `${e.type.replace('user.', '').replace('_in_geofence', '').replace('_geofence', '')}:${e.geofenceId}@${(e.recordedAt - T0) / MIN}`,
  );
  return { presence, events, short };
}

describe('nextPresence: entries, exits, dwells', () => {
  it('enter, stay, exit, re-enter: one event per crossing', () => {
    const { short, events } = drive(
      withCircle(),
      [
        { min: 0, ...north(500) },
        { min: 1, ...north(50) },
        { min: 2, ...north(20) },
        { min: 3, ...north(300) },
        { min: 4, ...north(400) },
        { min: 5, ...north(0) },
      ],
      { dwellMs: null },
    );
    expect(short).toEqual(['entered:home@1', 'exited:home@3', 'entered:home@5']);
    expect(events[1]).toMatchObject({ enteredAt: T0 + MIN, durationMs: 2 * MIN });
  });

  it('dwell once per stay, on the first location at or after since + dwellMs', () => {
    const { short, events } = drive(
      withCircle(),
      [
        { min: 0, ...north(0) },
        { min: 4, ...north(10) },
        { min: 5, ...north(10) },
        { min: 9, ...north(10) },
        { min: 10, ...north(500) },
        { min: 11, ...north(0) },
        { min: 20, ...north(0) },
      ],
      { dwellMs: 5 * MIN },
    );
    expect(short).toEqual(['entered:home@0', 'dwelled:home@5', 'exited:home@10', 'entered:home@11', 'dwelled:home@20']);
    expect(events[1]).toMatchObject({ enteredAt: T0, durationMs: 5 * MIN });
  });

  it('dwellMs 0 dwells on the entering location, after the entry; the default is 5 minutes', () => {
    expect(drive(withCircle(), [{ min: 0, ...north(0) }], { dwellMs: 0 }).short).toEqual(['entered:home@0', 'dwelled:home@0']);
    expect(
      drive(withCircle(), [
        { min: 0, ...north(0) },
        { min: 4.9, ...north(0) },
        { min: 5, ...north(0) },
      ]).short,
    ).toEqual(['entered:home@0', 'dwelled:home@5']);
  });

  it('moving between adjacent geofences: the exit comes before the entry', () => {
    const index = withCircle('a');
    index.upsert('b', parseGeofenceShape({ type: 'circle', coordinates: [0, 300 * M], radius: 100 }));
    const { short } = drive(
      index,
      [
        { min: 0, ...north(0) },
        { min: 1, ...north(300) },
      ],
      { dwellMs: null },
    );
    expect(short).toEqual(['entered:a@0', 'exited:a@1', 'entered:b@1']);
  });

  it('reports the changed states for a store, and keeps exited ones as inside: false', () => {
    const index = withCircle();
    const first = nextPresence(empty, { recordedAt: T0, ...north(0) }, geofencesAt(index, 0, 0), { dwellMs: null });
    expect([...first.changed]).toEqual([['home', { inside: true, since: T0, dwellEmitted: false }]]);
    const p = north(900);
    const second = nextPresence(first.presence, { recordedAt: T0 + MIN, ...p }, geofencesAt(index, p.lon, p.lat), { dwellMs: null });
    expect([...second.changed]).toEqual([['home', { inside: false, since: T0 + MIN, dwellEmitted: false }]]);
    expect(second.presence.lastRecordedAt).toBe(T0 + MIN);
  });
});

describe('nextPresence: duplicates and out-of-order locations', () => {
  it('a duplicate is a no-op, even a duplicate of the entering location', () => {
    const index = withCircle();
    const obs = { recordedAt: T0, ...north(0) };
    const first = nextPresence(empty, obs, geofencesAt(index, obs.lon, obs.lat));
    const again = nextPresence(first.presence, obs, geofencesAt(index, obs.lon, obs.lat));
    expect(first.events).toHaveLength(1);
    expect(again).toMatchObject({ events: [], ignored: 'stale' });
    expect(again.presence).toBe(first.presence);
    expect(again.changed.size).toBe(0);
  });

  it('a location older than (or as old as) the newest one never enters, exits or dwells', () => {
    const { short, presence } = drive(
      withCircle(),
      [
        { min: 0, ...north(0) },
        { min: 10, ...north(500) }, // exit
        { min: 5, ...north(0) }, // late: would be "inside" and a dwell
        { min: 10, ...north(0) }, // same recordedAt as the newest, different place
        { min: 11, ...north(600) },
      ],
      { dwellMs: MIN },
    );
    expect(short).toEqual(['entered:home@0', 'exited:home@10']);
    expect(presence.lastRecordedAt).toBe(T0 + 11 * MIN);
  });

  it('replaying earlier locations anywhere in the stream changes no event (property)', () => {
    const index = withCircle();
    const step = fc.record({ dMin: fc.integer({ min: 1, max: 4 }), m: fc.constantFrom(0, 50, 99, 100, 101, 150, 400) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 20 }), (steps, replays) => {
        let min = 0;
        const points = steps.map((s) => ({ min: (min += s.dMin), ...north(s.m) }));
        const arrived = [...points];
        // Each replay re-sends an earlier location after a later one has arrived.
        for (const [at, of] of replays) {
          const pos = 1 + (at % arrived.length);
          const seen = arrived.slice(0, pos);
          arrived.splice(pos, 0, seen[of % seen.length] as (typeof points)[number]);
        }
        const clean = drive(index, points, { dwellMs: 3 * MIN }).short;
        const noisy = drive(index, arrived, { dwellMs: 3 * MIN }).short;
        // Entries and exits alternate, starting with an entry; at most one dwell per stay.
        const kinds = clean.map((s) => s.split(':')[0]).join(' ');
        return noisy.join() === clean.join() && /^(entered (dwelled )?exited ?)*(entered( dwelled)?)?$/.test(kinds.trim());
      }),
      { numRuns: 300 },
    );
  });
});

describe('nextPresence: jitter on a boundary (exit hysteresis)', () => {
  // GPS noise around the 100 m rim: 98, 103, 99, 104, 97, 102 m, then really leaving at 200 m.
  const jitter = [98, 103, 99, 104, 97, 102, 200].map((m, i) => ({ min: i, ...north(m) }));

  it('without a margin (the default) every crossing of the line is an entry or an exit', () => {
    expect(drive(withCircle(), jitter, { dwellMs: null }).short).toEqual([
      'entered:home@0',
      'exited:home@1',
      'entered:home@2',
      'exited:home@3',
      'entered:home@4',
      'exited:home@5',
    ]);
  });

  it('with exitMarginM 20 the user stays inside until more than 20 m out', () => {
    expect(drive(withCircle(), jitter, { dwellMs: null, exitMarginM: 20 }).short).toEqual(['entered:home@0', 'exited:home@6']);
  });

  it('the margin applies to polygon edges too', () => {
    const index = createGeofenceIndex();
    const s = 0.01;
    index.upsert(
      'sq',
      parseGeofenceShape({
        type: 'polygon',
        coordinates: [
          [
            [0, 0],
            [s, 0],
            [s, s],
            [0, s],
            [0, 0],
          ],
        ],
      }),
    );
    // Meters south of the bottom edge: negative = inside.
    const points = [-2, 3, -1, 5, 50].map((m, i) => ({ min: i, lon: s / 2, lat: -m * M }));
    expect(drive(index, points, { dwellMs: null, exitMarginM: 10 }).short).toEqual(['entered:sq@0', 'exited:sq@4']);
  });
});

describe('nextPresence: geofences created and deleted around a user', () => {
  it('a geofence created while the user is inside: the first location after its creation is the entry', () => {
    const index = createGeofenceIndex();
    const before = drive(index, [{ min: 0, ...north(0) }], { dwellMs: null });
    expect(before.short).toEqual([]);
    index.upsert('new', parseGeofenceShape({ type: 'circle', coordinates: [0, 0], radius: 100 }));
    const after = drive(index, [{ min: 1, ...north(5) }], { dwellMs: null }, before.presence);
    expect(after.short).toEqual(['entered:new@1']);
  });

  it('a geofence deleted while the user is inside: no exit, the state is dropped, a re-creation is a new entry', () => {
    const index = withCircle();
    const inside = drive(index, [{ min: 0, ...north(0) }], { dwellMs: null });
    index.remove('home');
    const p = north(0);
    const r = nextPresence(inside.presence, { recordedAt: T0 + MIN, ...p }, geofencesAt(index, p.lon, p.lat), { dwellMs: null });
    expect(r.events).toEqual([]);
    expect([...r.changed]).toEqual([['home', null]]);
    expect(r.presence.geofences.has('home')).toBe(false);
    index.upsert('home', parseGeofenceShape({ type: 'circle', coordinates: [0, 0], radius: 100 }));
    expect(drive(index, [{ min: 2, ...north(0) }], { dwellMs: null }, r.presence).short).toEqual(['entered:home@2']);
  });

  it('refuses a recordedAt that is not a number and a negative dwellMs', () => {
    const at = { containing: [], exists: () => true };
    expect(() => nextPresence(empty, { recordedAt: Number.NaN, lon: 0, lat: 0 }, at)).toThrow(RangeError);
    expect(() => nextPresence(empty, { recordedAt: 1, lon: 0, lat: 0 }, at, { dwellMs: -1 })).toThrow(RangeError);
  });
});
