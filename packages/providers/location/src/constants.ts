/** The ledger's `provider` column, the PROVIDERS name and `provider:` in SOURCES_FILE. */
export const PROVIDER = 'location';

/** `:source` names a SOURCES_FILE entry with `provider: location`. */
export const LOCATION_PATH = '/webhooks/location/:source';

/** The geofence events this provider derives itself (Radar sends the same names for its own). */
export const GEOFENCE_EVENT_TYPES = ['user.entered_geofence', 'user.exited_geofence', 'user.dwelled_in_geofence'] as const;
