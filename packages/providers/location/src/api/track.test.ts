import { describe, expect, it } from 'vitest';
import type { TrackPoint } from '../store/location-reader.js';
import { trackCollection } from './track.js';

const T0 = Date.UTC(2026, 2, 1, 8);

const point = (i: number, over: Partial<TrackPoint> = {}): TrackPoint => ({
  eventId: 100 + i,
  lat: 52.5 + i / 100,
  lon: 13.4 + i / 100,
  accuracy: 5 + i,
  recordedAt: T0 + i * 60_000,
  tripId: 'trip-1',
  deviceId: 'device-A',
  ...over,
});

describe('trackCollection', () => {
  it('draws one LineString through the positions in order, then one Point per position', () => {
    const points = [point(0), point(1), point(2, { accuracy: null, tripId: null, deviceId: null })];
    expect(trackCollection('user-1', points, false)).toEqual({
      type: 'FeatureCollection',
      properties: { userId: 'user-1', points: 3, truncated: false },
      features: [
        {
          type: 'Feature',
          geometry: {
            type: 'LineString',
            coordinates: [
              [13.4, 52.5],
              [13.41, 52.51],
              [13.42, 52.52],
            ],
          },
          properties: { userId: 'user-1', from: '2026-03-01T08:00:00.000Z', to: '2026-03-01T08:02:00.000Z' },
        },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [13.4, 52.5] },
          properties: { eventId: 100, recordedAt: '2026-03-01T08:00:00.000Z', accuracy: 5, tripId: 'trip-1', deviceId: 'device-A' },
        },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [13.41, 52.51] },
          properties: { eventId: 101, recordedAt: '2026-03-01T08:01:00.000Z', accuracy: 6, tripId: 'trip-1', deviceId: 'device-A' },
        },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [13.42, 52.52] },
          properties: { eventId: 102, recordedAt: '2026-03-01T08:02:00.000Z', accuracy: null, tripId: null, deviceId: null },
        },
      ],
    });
  });

  it('puts coordinates in GeoJSON order: longitude first', () => {
    const [f] = trackCollection('u', [point(0, { lat: -33.8688, lon: 151.2093 })], false).features as Array<{ geometry: { coordinates: number[] } }>;
    expect(f?.geometry.coordinates).toEqual([151.2093, -33.8688]);
  });

  it('draws no line for a single position', () => {
    expect(trackCollection('user-1', [point(0)], true)).toEqual({
      type: 'FeatureCollection',
      properties: { userId: 'user-1', points: 1, truncated: true },
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [13.4, 52.5] },
          properties: { eventId: 100, recordedAt: '2026-03-01T08:00:00.000Z', accuracy: 5, tripId: 'trip-1', deviceId: 'device-A' },
        },
      ],
    });
  });

  it('answers an empty collection for no positions', () => {
    expect(trackCollection('user-1', [], false)).toEqual({
      type: 'FeatureCollection',
      properties: { userId: 'user-1', points: 0, truncated: false },
      features: [],
    });
  });

  it('keeps the order it is given, from the first point to the last', () => {
    const points = [point(3), point(1), point(2)];
    const c = trackCollection('user-1', points, false);
    const features = c.features as Array<{ geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> }>;
    expect(features.map((f) => f.geometry.type)).toEqual(['LineString', 'Point', 'Point', 'Point']);
    expect(features[0]?.geometry.coordinates).toEqual(points.map((p) => [p.lon, p.lat]));
    expect(features[0]?.properties).toEqual({ userId: 'user-1', from: '2026-03-01T08:03:00.000Z', to: '2026-03-01T08:02:00.000Z' });
    expect(features.slice(1).map((f) => f.properties.eventId)).toEqual([103, 101, 102]);
  });

  it('draws a line between two positions', () => {
    const features = trackCollection('user-1', [point(0), point(1)], false).features as Array<{ geometry: { type: string } }>;
    expect(features.map((f) => f.geometry.type)).toEqual(['LineString', 'Point', 'Point']);
  });
});
