import { describe, expect, it } from 'vitest';
import { GEOFENCE_EVENT_TYPES } from './constants.js';
import { geofenceEventJson, geofenceEventKey, type GeofenceEventRow } from './geofence-event.js';

const ENTERED = Date.UTC(2026, 2, 1, 9, 0, 0);

function row(over: Partial<GeofenceEventRow> = {}): GeofenceEventRow {
  return {
    id: 9001,
    source: 'radar',
    userId: 'user-1',
    geofenceId: 42,
    tag: 'store',
    externalId: 'berlin-mitte',
    type: 'user.entered_geofence',
    lat: 52.52,
    lon: 13.405,
    occurredAt: ENTERED,
    enteredAt: ENTERED,
    durationMs: 0,
    locationEventId: 777,
    ...over,
  };
}

describe('geofenceEventKey', () => {
  it('names the geofence, the stay, the type, the source and the user', () => {
    expect(geofenceEventKey(row())).toBe(`gf:42:${ENTERED}:entered_geofence:radar:user-1`);
    expect(geofenceEventKey(row({ type: 'user.dwelled_in_geofence' }))).toBe(`gf:42:${ENTERED}:dwelled_in_geofence:radar:user-1`);
    expect(geofenceEventKey(row({ type: 'user.exited_geofence' }))).toBe(`gf:42:${ENTERED}:exited_geofence:radar:user-1`);
  });

  it('is stable: what the row says beyond its identity does not change it', () => {
    const a = geofenceEventKey(row());
    expect(
      geofenceEventKey(row({ id: 1, lat: 0, lon: 0, occurredAt: ENTERED + 5000, durationMs: 5000, locationEventId: 1, tag: 'other', externalId: 'x' })),
    ).toBe(a);
    expect(geofenceEventKey({ source: 'radar', userId: 'user-1', geofenceId: 42, type: 'user.entered_geofence', enteredAt: ENTERED })).toBe(a);
    // One user id in two sources is two users: their events must not share an id on the one stream.
    expect(geofenceEventKey(row({ source: 'ref' }))).not.toBe(a);
  });

  it('is distinct per type, per stay, per geofence and per user', () => {
    const keys = [
      ...GEOFENCE_EVENT_TYPES.map((type) => geofenceEventKey(row({ type }))),
      geofenceEventKey(row({ enteredAt: ENTERED + 1 })),
      geofenceEventKey(row({ geofenceId: 43 })),
      geofenceEventKey(row({ userId: 'user-2' })),
      // Ids that could run into the neighbouring parts stay apart: the user is last.
      geofenceEventKey(row({ userId: '1:user-1' })),
      geofenceEventKey(row({ geofenceId: 4, userId: '2' })),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('geofenceEventJson', () => {
  it('answers the event with its key, ledger id, geofence, position and ISO times', () => {
    const exit = row({ type: 'user.exited_geofence', occurredAt: ENTERED + 600_000, durationMs: 600_000, lat: 52.53, lon: 13.41 });
    expect(geofenceEventJson(exit)).toEqual({
      id: `gf:42:${ENTERED}:exited_geofence:radar:user-1`,
      ledgerId: 9001,
      type: 'user.exited_geofence',
      source: 'radar',
      userId: 'user-1',
      geofence: { id: 42, tag: 'store', externalId: 'berlin-mitte' },
      location: { lat: 52.53, lon: 13.41 },
      occurredAt: '2026-03-01T09:10:00.000Z',
      enteredAt: '2026-03-01T09:00:00.000Z',
      durationMs: 600_000,
      locationEventId: 777,
    });
  });

  it('adds the geofence’s description only when there is one', () => {
    expect(geofenceEventJson(row(), 'Berlin Mitte store').geofence).toEqual({
      id: 42,
      tag: 'store',
      externalId: 'berlin-mitte',
      description: 'Berlin Mitte store',
    });
    expect(geofenceEventJson(row(), '').geofence).toEqual({ id: 42, tag: 'store', externalId: 'berlin-mitte', description: '' });
    expect(geofenceEventJson(row(), null).geofence).not.toHaveProperty('description');
    expect(geofenceEventJson(row()).geofence).not.toHaveProperty('description');
  });

  it('survives a JSON round trip unchanged (the stream’s message)', () => {
    const json = geofenceEventJson(row({ type: 'user.dwelled_in_geofence', durationMs: 300_000, occurredAt: ENTERED + 300_000 }));
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
