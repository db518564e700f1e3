import type { TrackPoint } from '../store/location-reader.js';

/**
 * A user's track as GeoJSON (RFC 7946): one LineString through the positions in time order
 * (when there are at least two), then one Point per position with its time and accuracy.
 */
export function trackCollection(userId: string, points: readonly TrackPoint[], truncated: boolean): Record<string, unknown> {
  const line =
    points.length >= 2
      ? [
          {
            type: 'Feature',
            geometry: { type: 'LineString', coordinates: points.map((p) => [p.lon, p.lat]) },
            properties: {
              userId,
              from: new Date(points[0]?.recordedAt ?? 0).toISOString(),
              to: new Date(points[points.length - 1]?.recordedAt ?? 0).toISOString(),
            },
          },
        ]
      : [];
  return {
    type: 'FeatureCollection',
    properties: { userId, points: points.length, truncated },
    features: [
      ...line,
      ...points.map((p) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
        properties: { eventId: p.eventId, recordedAt: new Date(p.recordedAt).toISOString(), accuracy: p.accuracy, tripId: p.tripId, deviceId: p.deviceId },
      })),
    ],
  };
}
