/**
 * @module geo: pure geofencing, no I/O. Shapes (Radar's circle and polygon), Haversine and
 * point-in-polygon, a spatial index over many geofences (Flatbush + a dynamic overlay), and the
 * per-(user, geofence) crossing state machine that turns locations into entered / exited /
 * dwelled events exactly once per crossing.
 */
export type { CircleShape, GeofenceShape, PolygonShape, Position, Ring } from './types.js';
export { checkGeofenceShape, parseGeofenceShape, MAX_HOLES, MAX_RADIUS_M, MAX_RING_POINTS, MIN_RADIUS_M, MIN_RING_POINTS } from './shape.js';
export { invalidGeofence, MAX_REPORTED_ERRORS } from './errors.js';
export { EARTH_RADIUS_M, haversineMeters } from './haversine.js';
export { INSIDE, ON_BOUNDARY, OUTSIDE, polygonContains, ringLocation, type RingLocation } from './polygon.js';
export { boxContains, circleBoxes, ringBox, type BBox } from './bbox.js';
export { metersOutside, shapeBoxes, shapeContains } from './contains.js';
export { createGeofenceIndex, type GeofenceIndex, type GeofenceIndexOptions } from './geofence-index.js';
export { circleToRing, toFeature, type GeofenceFeature, type PointGeometry, type PolygonGeometry } from './geojson.js';
export {
  DEFAULT_DWELL_MS,
  type GeofenceEventType,
  type GeofencesAtLocation,
  type LocationObservation,
  type PresenceEvent,
  type PresenceOptions,
  type PresenceResult,
  type PresenceState,
  type UserPresence,
} from './presence.js';
export { nextPresence } from './next-presence.js';
export { geofencesAt, type LocateOptions } from './locate.js';
