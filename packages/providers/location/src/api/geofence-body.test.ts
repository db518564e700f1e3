import { describe, expect, it } from 'vitest';
import { AppError } from '@hookstream/core';
import { HttpError } from '@hookstream/pipeline';
import { ID_RULE } from '../edge/fields.js';
import type { GeofenceRecord } from '../store/geofence-store.js';
import { geofenceView, parseGeofenceBody, readGeofenceRef, TAG_RULE } from './geofence-body.js';

const SQUARE = [
  [13.4, 52.5],
  [13.41, 52.5],
  [13.41, 52.51],
  [13.4, 52.51],
  [13.4, 52.5],
];
const circle = (over: Record<string, unknown> = {}) => ({ type: 'circle', coordinates: [13.405, 52.52], radius: 100, ...over });

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

const problems = (body: unknown) => {
  const err = refusal(() => parseGeofenceBody(body));
  expect(err).toMatchObject({ httpStatus: 422, code: 'invalid_geofence' });
  return err.errors;
};

describe('parseGeofenceBody', () => {
  it('reads a circle with its description and metadata', () => {
    expect(parseGeofenceBody(circle({ description: 'Berlin Mitte store', metadata: { storeId: 17, open: true } }))).toEqual({
      description: 'Berlin Mitte store',
      shape: { type: 'circle', coordinates: [13.405, 52.52], radius: 100 },
      metadata: { storeId: 17, open: true },
    });
  });

  it('reads a polygon, description and metadata absent or null as null', () => {
    const expected = { description: null, shape: { type: 'polygon', coordinates: [SQUARE] }, metadata: null };
    expect(parseGeofenceBody({ type: 'polygon', coordinates: [SQUARE] })).toEqual(expected);
    expect(parseGeofenceBody({ type: 'polygon', coordinates: [SQUARE], description: null, metadata: null })).toEqual(expected);
  });

  it('takes the radius limits themselves: 10 and 10000 meters', () => {
    expect(parseGeofenceBody(circle({ radius: 10 })).shape).toEqual({ type: 'circle', coordinates: [13.405, 52.52], radius: 10 });
    expect(parseGeofenceBody(circle({ radius: 10_000 })).shape).toEqual({ type: 'circle', coordinates: [13.405, 52.52], radius: 10_000 });
  });

  it.each([[9], [10_001], [0], [-100]])('refuses radius %j', (radius) => {
    expect(problems(circle({ radius }))).toEqual([{ path: '/radius', message: 'radius must be between 10 and 10000 meters' }]);
  });

  it('refuses a circle without a radius or with a radius that is no number', () => {
    expect(problems(circle({ radius: undefined }))).toEqual([{ path: '/radius', message: 'radius must be a finite number of meters' }]);
    expect(problems(circle({ radius: '100' }))).toEqual([{ path: '/radius', message: 'radius must be a finite number of meters' }]);
  });

  it('refuses unknown fields, naming each (tag and externalId belong in the path)', () => {
    expect(problems(circle({ tag: 'store', externalId: 'x', color: 'red' }))).toEqual([
      { path: '/tag', message: 'unknown field' },
      { path: '/externalId', message: 'unknown field' },
      { path: '/color', message: 'unknown field' },
    ]);
  });

  it('takes a description of 1024 characters and refuses one of 1025 or one that is no string', () => {
    expect(parseGeofenceBody(circle({ description: 'd'.repeat(1024) })).description).toHaveLength(1024);
    const message = 'must be a string of at most 1024 characters';
    expect(problems(circle({ description: 'd'.repeat(1025) }))).toEqual([{ path: '/description', message }]);
    expect(problems(circle({ description: 42 }))).toEqual([{ path: '/description', message }]);
  });

  it.each([['store'], [[1, 2]], [7], [true]])('refuses metadata %j: it must be an object', (metadata) => {
    expect(problems(circle({ metadata }))).toEqual([{ path: '/metadata', message: 'must be an object' }]);
  });

  it('refuses metadata beyond 16 KiB as JSON', () => {
    expect(parseGeofenceBody(circle({ metadata: { s: 'a'.repeat(16_384 - 8) } })).metadata).toEqual({ s: 'a'.repeat(16_376) });
    expect(problems(circle({ metadata: { s: 'a'.repeat(16_384 - 7) } }))).toEqual([{ path: '/metadata', message: 'must be at most 16384 bytes as JSON' }]);
  });

  it('refuses a bad shape with the pointer into the body', () => {
    expect(problems(circle({ type: 'square' }))).toEqual([{ path: '/type', message: 'type must be "circle" or "polygon"' }]);
    expect(problems(circle({ coordinates: [13.405, 91] }))).toEqual([{ path: '/coordinates/1', message: 'latitude must be between -90 and 90' }]);
    expect(problems({ type: 'polygon', coordinates: [SQUARE.slice(0, 4)] })).toEqual([
      { path: '/coordinates/0/3', message: 'ring is not closed: the last point must equal the first' },
    ]);
  });

  it('reports the shape’s and the other fields’ problems at once', () => {
    const err = refusal(() => parseGeofenceBody({ type: 'circle', coordinates: [200, 52.52], radius: 5, description: 1, metadata: [], extra: true }));
    expect(err.errors).toEqual([
      { path: '/extra', message: 'unknown field' },
      { path: '/description', message: 'must be a string of at most 1024 characters' },
      { path: '/metadata', message: 'must be an object' },
      { path: '/coordinates/0', message: 'longitude must be between -180 and 180' },
      { path: '/radius', message: 'radius must be between 10 and 10000 meters' },
    ]);
    expect(err.message).toBe('invalid geofence: /extra: unknown field (and 4 more)');
  });

  it.each([[null], [[]], ['circle'], [3]])('refuses %j as a whole', (body) => {
    expect(problems(body)).toEqual([{ path: '', message: 'expected a JSON object with type, coordinates and (for a circle) radius' }]);
  });
});

describe('readGeofenceRef', () => {
  it('reads the tag and the external id', () => {
    expect(readGeofenceRef({ tag: 'store', externalId: 'berlin-mitte 1' })).toEqual({ tag: 'store', externalId: 'berlin-mitte 1' });
    expect(readGeofenceRef({ tag: 'a.b:c_d-9', externalId: 'x'.repeat(128) })).toEqual({ tag: 'a.b:c_d-9', externalId: 'x'.repeat(128) });
  });

  it.each([
    [{ tag: 'my store', externalId: 'x' }, `tag: ${TAG_RULE}`],
    [{ tag: 't'.repeat(129), externalId: 'x' }, `tag: ${TAG_RULE}`],
    [{ tag: 'store/eu', externalId: 'x' }, `tag: ${TAG_RULE}`],
    [{ externalId: 'x' }, `tag: ${TAG_RULE}`],
    [{ tag: 'store', externalId: '' }, `externalId: ${ID_RULE}`],
    [{ tag: 'store', externalId: ' padded' }, `externalId: ${ID_RULE}`],
    [{ tag: 'store', externalId: 'a\u0000b' }, `externalId: ${ID_RULE}`],
    [{ tag: 'store', externalId: 'x'.repeat(129) }, `externalId: ${ID_RULE}`],
    [{ tag: 'store' }, `externalId: ${ID_RULE}`],
    [undefined, `tag: ${TAG_RULE}`],
  ])('answers 400 for %j', (params, message) => {
    const err = refusal(() => readGeofenceRef(params));
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ httpStatus: 400, code: 'BAD_REQUEST', message });
  });

  it('checks the tag before the external id', () => {
    expect(refusal(() => readGeofenceRef({ tag: '', externalId: '' })).message).toBe(`tag: ${TAG_RULE}`);
  });
});

describe('geofenceView', () => {
  const record = (over: Partial<GeofenceRecord> = {}): GeofenceRecord => ({
    id: 42,
    tag: 'store',
    externalId: 'berlin-mitte',
    description: 'Berlin Mitte store',
    shape: { type: 'circle', coordinates: [13.405, 52.52], radius: 100 },
    metadata: { storeId: 17 },
    createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    updatedAt: Date.UTC(2026, 1, 2, 3, 4, 5, 600),
    ...over,
  });

  it('answers Radar’s fields, the shape flattened in, ISO times, and no row id', () => {
    expect(geofenceView(record())).toEqual({
      tag: 'store',
      externalId: 'berlin-mitte',
      description: 'Berlin Mitte store',
      type: 'circle',
      coordinates: [13.405, 52.52],
      radius: 100,
      metadata: { storeId: 17 },
      createdAt: '2026-01-02T03:04:05.000Z',
      updatedAt: '2026-02-02T03:04:05.600Z',
    });
  });

  it('answers a polygon without a radius, and null description and metadata as null', () => {
    expect(geofenceView(record({ shape: { type: 'polygon', coordinates: [SQUARE as Array<[number, number]>] }, description: null, metadata: null }))).toEqual({
      tag: 'store',
      externalId: 'berlin-mitte',
      description: null,
      type: 'polygon',
      coordinates: [SQUARE],
      metadata: null,
      createdAt: '2026-01-02T03:04:05.000Z',
      updatedAt: '2026-02-02T03:04:05.600Z',
    });
  });

  it('answers what parseGeofenceBody read back the same way', () => {
    const body = circle({ description: 'd', metadata: { a: 1 } });
    const { tag, externalId, createdAt, updatedAt, ...rest } = geofenceView(record(parseGeofenceBody(body)));
    expect([tag, externalId, createdAt, updatedAt]).toEqual(['store', 'berlin-mitte', '2026-01-02T03:04:05.000Z', '2026-02-02T03:04:05.600Z']);
    expect(rest).toEqual(body);
  });
});

describe('parseGeofenceBody: metadata size', () => {
  it('counts metadata in UTF-8 bytes, as its message says', () => {
    const metadata = { s: '€'.repeat(6000) }; // 6008 characters, 18008 bytes
    expect(() => parseGeofenceBody({ type: 'circle', coordinates: [13.405, 52.52], radius: 100, metadata })).toThrow(
      'invalid geofence: /metadata: must be at most 16384 bytes as JSON',
    );
  });
});
