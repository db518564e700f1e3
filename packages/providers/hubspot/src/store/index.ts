/**
 * HubSpot's tables and reads: its row of each ledger event (hubspot_events), object state,
 * associations, portal tokens, the idempotent writer and the keyset reader of HubSpot events.
 */
export { applyUpdates } from './state/reduce.js';
export { applyAssociationUpdates, associationWins } from './state/associations.js';
export { redactRaw } from './write/privacy.js';
export { createEventWriter, HUBSPOT_EVENT_COLUMNS } from './write/event-writer.js';
export { HUBSPOT, hubspotLedgerEvent, hubspotIdempotencyKey, hubspotSubject, hubspotSubjectMatch, hubspotTenant } from './ledger-mapping.js';
export { createEventReader } from './read/event-reader.js';
export { ENRICHMENT_STATES } from './types.js';
export {
  HUBSPOT_ENTITIES,
  HubSpotEventEntity,
  ObjectStateEntity,
  ObjectAssociationEntity,
  type HubSpotEventRow,
  type ObjectStateRow,
  type ObjectAssociationRow,
} from './entities.js';
export { PortalTokenEntity, type PortalTokenRow } from './tokens-entity.js';
export { completeDeferredEnrichment, type CompleteDeferredInput, type DeferredEnrichmentResult } from './write/deferred-enrichment.js';
export type {
  Association,
  AssociationKey,
  AssociationUpdate,
  EnrichmentState,
  EventFields,
  ObjectRef,
  ObjectState,
  StateChange,
  StateUpdate,
} from './types.js';
export type {
  ClaimedEvent,
  CompleteEnrichmentInput,
  EnrichmentResult,
  EventWriter,
  EventWriterOptions,
  NewEvent,
  PersistInput,
  PersistResult,
} from './write/types.js';
export type {
  AssociationPosition,
  AssociationQuery,
  LifecycleEntry,
  SubscriptionTypeCount,
  SubscriptionTypeQuery,
  ChangesQuery,
  EventQuery,
  EventReader,
  StoredEnrichment,
  StoredEvent,
  TimelineQuery,
} from './read/types.js';
