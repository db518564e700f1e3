/** @module client: typed client for the Hookstream events-api (global fetch, no server-side dependencies). */
export { createEventsClient, type EventsClient, type EventsClientOptions } from './client.js';
export { EventsApiError } from './errors.js';
export type {
  Association,
  AssociationsPage,
  AssociationsQuery,
  LifecycleEntry,
  SubscriptionTypeStats,
  ChangesPage,
  EnrichmentState,
  EventsPage,
  ListEventsQuery,
  ObjectState,
  SortOrder,
  StoredEnrichment,
  StoredEvent,
  TimeInput,
  TimelineQuery,
} from './types.js';
