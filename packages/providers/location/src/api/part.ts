import type { ApiPart, ListParams } from '@hookstream/pipeline';
import { badRequest } from '@hookstream/pipeline';
import type { DataSource } from '@hookstream/store';
import { isId, ID_RULE } from '../edge/fields.js';
import { createLocationReader } from '../store/location-reader.js';
import { geofenceAdminRoutes, geofenceReadRoutes } from './geofence-routes.js';
import { locationRoutes } from './location-routes.js';

/** GET /events?userId=…: one user's location and geofence events (the ledger's subject). */
const listParams: ListParams = {
  parsers: {
    userId: (name, raw) => {
      if (!isId(raw)) throw badRequest(name, ID_RULE);
      return raw;
    },
  },
  toFilter: (v) => (v.userId !== undefined ? { subject: { eq: v.userId as string } } : {}),
};

export function locationApiPart(ds: DataSource, now: () => number): ApiPart {
  const reader = createLocationReader(ds);
  return {
    routes: (app) => {
      locationRoutes(app, reader, ds);
      geofenceReadRoutes(app, ds);
    },
    adminRoutes: (app) => geofenceAdminRoutes(app, ds, now),
    listParams,
  };
}
