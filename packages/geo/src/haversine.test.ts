import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M, haversineMeters } from './haversine.js';

describe('haversineMeters', () => {
  it('Paris–London is ~343.5 km', () => {
    expect(haversineMeters(2.3522, 48.8566, -0.1278, 51.5074) / 1000).toBeCloseTo(343.56, 1);
  });

  it('JFK–LAX is ~3,974 km (arguments are [lon, lat])', () => {
    expect(haversineMeters(-73.7781, 40.6413, -118.4085, 33.9416) / 1000).toBeCloseTo(3974.3, 0);
  });

  it('matches the sphere: a degree of latitude, a quarter meridian, antipodes', () => {
    expect(haversineMeters(0, 0, 0, 1)).toBeCloseTo((Math.PI * EARTH_RADIUS_M) / 180, 6);
    expect(haversineMeters(0, 0, 0, 90)).toBeCloseTo((Math.PI * EARTH_RADIUS_M) / 2, 3);
    expect(haversineMeters(0, 0, 180, 0)).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
    expect(haversineMeters(10, 20, -170, -20)).toBeCloseTo(Math.PI * EARTH_RADIUS_M, 3);
  });

  it('is symmetric, zero at the same point, and wraps the antimeridian and the poles', () => {
    expect(haversineMeters(13.4, 52.5, 13.4, 52.5)).toBe(0);
    expect(haversineMeters(1, 2, 3, 4)).toBe(haversineMeters(3, 4, 1, 2));
    expect(haversineMeters(179.9, 0, -179.9, 0)).toBeCloseTo(haversineMeters(0, 0, 0.2, 0), 6);
    expect(haversineMeters(180, 10, -180, 10)).toBeCloseTo(0, 6);
    expect(haversineMeters(0, 90, 123, 90)).toBeCloseTo(0, 6);
  });

  it('a degree of longitude shrinks with latitude', () => {
    expect(haversineMeters(0, 60, 1, 60)).toBeCloseTo(haversineMeters(0, 0, 1, 0) / 2, -2);
  });
});
