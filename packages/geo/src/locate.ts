import type { GeofenceIndex } from './geofence-index.js';
import type { GeofencesAtLocation } from './presence.js';

export interface LocateOptions {
  /**
   * Exit hysteresis in meters: a user inside a geofence leaves it only once a location is more
   * than this far outside, so GPS jitter on a boundary does not flap enter/exit. Entry is not
   * delayed. Default 0: every crossing of the line counts.
   */
  readonly exitMarginM?: number;
}

/** The index's answer for one location, in the shape nextPresence takes. */
export function geofencesAt(index: GeofenceIndex, lon: number, lat: number, options: LocateOptions = {}): GeofencesAtLocation {
  const margin = options.exitMarginM ?? 0;
  const containing = index.containing(lon, lat);
  return {
    containing,
    retaining: margin > 0 ? index.near(lon, lat, margin) : containing,
    exists: (id) => index.has(id),
  };
}
