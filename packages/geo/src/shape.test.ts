import { AppError } from '@hookstream/core';
import { describe, expect, it } from 'vitest';
import { checkGeofenceShape, parseGeofenceShape } from './shape.js';

const square = [
  [2.29, 48.85],
  [2.3, 48.85],
  [2.3, 48.86],
  [2.29, 48.86],
  [2.29, 48.85],
];

function refusal(input: unknown): AppError {
  try {
    parseGeofenceShape(input);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('parseGeofenceShape: accepted shapes', () => {
  it('a circle, dropping fields that are not part of the shape', () => {
    expect(parseGeofenceShape({ type: 'circle', coordinates: [-73.99, 40.73], radius: 100, description: 'office' })).toEqual({
      type: 'circle',
      coordinates: [-73.99, 40.73],
      radius: 100,
    });
  });

  it('circle radius limits are inclusive: 10 and 10,000 m', () => {
    expect(parseGeofenceShape({ type: 'circle', coordinates: [0, 0], radius: 10 })).toMatchObject({ radius: 10 });
    expect(parseGeofenceShape({ type: 'circle', coordinates: [180, -90], radius: 10_000 })).toMatchObject({ radius: 10_000 });
  });

  it('a polygon with a hole, in either orientation', () => {
    const hole = [
      [2.292, 48.852],
      [2.292, 48.858],
      [2.298, 48.858],
      [2.298, 48.852],
      [2.292, 48.852],
    ];
    const shape = parseGeofenceShape({ type: 'polygon', coordinates: [square, hole] });
    expect(shape.type).toBe('polygon');
    expect(shape.coordinates).toHaveLength(2);
    expect(parseGeofenceShape({ type: 'polygon', coordinates: [[...square].reverse()] }).type).toBe('polygon');
  });

  it('a ring of exactly 2,000 points', () => {
    const n = 1999;
    const ring = Array.from({ length: n }, (_, i) => [Math.cos((2 * Math.PI * i) / n), Math.sin((2 * Math.PI * i) / n)]);
    ring.push(ring[0] as number[]);
    expect(checkGeofenceShape({ type: 'polygon', coordinates: [ring] }).ok).toBe(true);
  });
});

describe('parseGeofenceShape: 422 invalid_geofence with JSON pointers', () => {
  it.each([
    ['not an object', [1, 2], '', 'expected a JSON object'],
    ['unknown type', { type: 'isochrone', coordinates: [0, 0], radius: 10 }, '/type', 'must be "circle" or "polygon"'],
    ['missing type', { coordinates: [0, 0], radius: 10 }, '/type', 'must be "circle" or "polygon"'],
    ['radius too small', { type: 'circle', coordinates: [0, 0], radius: 9.99 }, '/radius', 'between 10 and 10000'],
    ['radius too large', { type: 'circle', coordinates: [0, 0], radius: 10_001 }, '/radius', 'between 10 and 10000'],
    ['radius a string', { type: 'circle', coordinates: [0, 0], radius: '100' }, '/radius', 'finite number'],
    ['radius missing', { type: 'circle', coordinates: [0, 0] }, '/radius', 'finite number'],
    ['longitude out of range', { type: 'circle', coordinates: [180.5, 0], radius: 10 }, '/coordinates/0', 'longitude must be between'],
    ['latitude out of range', { type: 'circle', coordinates: [0, -90.1], radius: 10 }, '/coordinates/1', 'latitude must be between'],
    ['latitude a string', { type: 'circle', coordinates: [0, '1'], radius: 10 }, '/coordinates/1', 'latitude must be a finite number'],
    ['one coordinate', { type: 'circle', coordinates: [0], radius: 10 }, '/coordinates', '[longitude, latitude]'],
    ['three coordinates', { type: 'circle', coordinates: [0, 0, 0], radius: 10 }, '/coordinates', '[longitude, latitude]'],
    ['no rings', { type: 'polygon', coordinates: [] }, '/coordinates', 'outer ring'],
    ['a bare ring', { type: 'polygon', coordinates: square }, '/coordinates/0/0', '[longitude, latitude]'],
    ['too few points', { type: 'polygon', coordinates: [square.slice(0, 3)] }, '/coordinates/0', 'at least 4 points'],
    ['a bad vertex', { type: 'polygon', coordinates: [[...square.slice(0, 2), [2.3, 91], ...square.slice(3)]] }, '/coordinates/0/2/1', 'latitude'],
    ['open ring', { type: 'polygon', coordinates: [[...square.slice(0, 4), [2.29, 48.851]]] }, '/coordinates/0/4', 'not closed'],
    [
      'zero area',
      {
        type: 'polygon',
        coordinates: [
          [
            [0, 0],
            [1, 1],
            [2, 2],
            [0, 0],
          ],
        ],
      },
      '/coordinates/0',
      'zero area',
    ],
    [
      'repeated point',
      {
        type: 'polygon',
        coordinates: [
          [
            [5, 5],
            [5, 5],
            [5, 5],
            [5, 5],
          ],
        ],
      },
      '/coordinates/0',
      'zero area',
    ],
    [
      'antimeridian edge',
      {
        type: 'polygon',
        coordinates: [
          [
            [179.9, 0],
            [-179.9, 0],
            [-179.9, 1],
            [179.9, 1],
            [179.9, 0],
          ],
        ],
      },
      '/coordinates/0/1',
      'antimeridian',
    ],
    [
      'hole outside the outer ring',
      {
        type: 'polygon',
        coordinates: [
          square,
          [
            [3, 3],
            [3.1, 3],
            [3.1, 3.1],
            [3, 3],
          ],
        ],
      },
      '/coordinates/1',
      'hole lies outside',
    ],
  ])('%s', (_name, input, path, message) => {
    const err = refusal(input);
    expect(err.code).toBe('invalid_geofence');
    expect(err.httpStatus).toBe(422);
    expect(err.retryable).toBe(false);
    expect(err.errors).toContainEqual({ path, message: expect.stringContaining(message) });
    expect(err.message).toContain('invalid geofence: ');
  });

  it('reports every problem, with its own pointer, and names the first in the message', () => {
    const err = refusal({ type: 'circle', coordinates: [200, 100], radius: 1 });
    expect(err.errors?.map((e) => e.path).sort()).toEqual(['/coordinates/0', '/coordinates/1', '/radius']);
    expect(err.message).toMatch(/^invalid geofence: \/\S+: .+ \(and 2 more\)$/);
    expect(err.toJSON()).toMatchObject({ code: 'invalid_geofence', errors: expect.any(Array) });
  });

  it('caps the list: a ring of 2,000 bad points gives 100 errors', () => {
    const ring = Array.from({ length: 2000 }, () => ['x', 'y']);
    const err = refusal({ type: 'polygon', coordinates: [ring] });
    expect(err.errors).toHaveLength(100);
    expect(err.message).toContain('more)');
  });

  it('more than 2,000 points in a ring', () => {
    const ring = Array.from({ length: 2001 }, (_, i) => [i / 10_000, Math.sin(i)]);
    expect(refusal({ type: 'polygon', coordinates: [ring] }).errors).toContainEqual({
      path: '/coordinates/0',
      message: expect.stringContaining('at most 2000'),
    });
  });

  it('NaN and Infinity (possible from a JS caller, never from JSON)', () => {
    expect(refusal({ type: 'circle', coordinates: [Number.NaN, 0], radius: 10 }).errors?.[0]?.path).toBe('/coordinates/0');
    expect(refusal({ type: 'circle', coordinates: [0, 0], radius: Infinity }).errors?.[0]?.path).toBe('/radius');
  });
});
