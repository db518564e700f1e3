/** @module location: location and trip webhooks (provider `location`), declared in SOURCES_FILE with `provider: location`. */
export { locationProvider } from './provider.js';
export { PROVIDER, LOCATION_PATH, GEOFENCE_EVENT_TYPES } from './constants.js';
export { loadLocationSources, locationEntrySchema, locationRedactedHeaders, type LocationSource, type LocationEntryInput } from './config/load.js';
export { normaliseBody, MAX_EVENTS_PER_REQUEST, type Normalised } from './edge/normalise.js';
export { locationEdgePart } from './edge/part.js';
export { locationProcessorPart } from './processor/part.js';
export { locationApiPart } from './api/part.js';
export { advanceTrip, statusOf } from './processor/trip-state.js';
export { putGeofences, deleteGeofence, getGeofence, listGeofences, type GeofenceInput, type GeofenceRecord } from './store/geofence-store.js';
export { geofenceEventKey, geofenceEventJson, type GeofenceEventRow } from './geofence-event.js';
export { Location1796212800000 } from './store/migration.js';
export { loadLocationSettings, LocationSettingsSchema, locationTopics, type LocationSettings } from './settings.js';
export type { LocationEvent, Fix, TripInfo } from './model.js';
