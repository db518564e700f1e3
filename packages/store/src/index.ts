/** @module store: MySQL/MariaDB persistence (TypeORM + mysql2): events, object state, keyset reads. */
export type { DataSource } from 'typeorm';
export { createDataSource, runMigrations, MIGRATIONS, type DataSourceOptions, type MigrationClass } from './data-source.js';
export { readDatabaseUrl } from './cli/database-url.js';
export { ENTITIES, EventEntity, HubSpotEventEntity, ObjectStateEntity, EventSequenceEntity, ObjectAssociationEntity, type LedgerRow, type HubSpotEventRow, type ObjectStateRow, type ObjectAssociationRow } from './entities.js';
export { StoreError, StoreUnavailableError, StoreValidationError, classifyError } from './errors.js';
export { num, numOrNull, strOrNull, parseJson } from './rows.js';
export { inTransaction, type TxOptions } from './write/tx.js';
export { applyUpdates } from './state/reduce.js';
export { applyAssociationUpdates, associationWins } from './state/associations.js';
export { redactRaw } from './write/privacy.js';
export { createEventWriter } from './write/event-writer.js';
export { chunkRows, openLedgerInsert, prepareLedgerRow, type LedgerInsert, type LedgerChunking, type PreparedLedgerRow } from './ledger/write.js';
export { createLedgerReader, ledgerFromRow, type LedgerReader, type LedgerRowWith } from './ledger/read.js';
export { buildLedgerListQuery, buildLedgerChangesQuery, type Sql, type SqlExtension } from './ledger/sql.js';
export type { LedgerEvent, LedgerRecord, LedgerQuery, LedgerChangesQuery, SubjectMatch } from './ledger/types.js';
export { HUBSPOT, hubspotLedgerEvent, hubspotIdempotencyKey, hubspotSubject, hubspotSubjectMatch, hubspotTenant } from './hubspot-ledger.js';
export { createEventReader } from './read/event-reader.js';
export { ENRICHMENT_STATES } from './types.js';
export type { Association, AssociationKey, AssociationUpdate, EnrichmentState, EventFields, ObjectRef, ObjectState, StateChange, StateUpdate } from './types.js';
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
  EventPosition,
  EventQuery,
  EventReader,
  SortOrder,
  StoredEnrichment,
  StoredEvent,
  TimelineQuery,
} from './read/types.js';
export { PortalTokenEntity, type PortalTokenRow } from './tokens/entity.js';
export { completeDeferredEnrichment, type CompleteDeferredInput, type DeferredEnrichmentResult } from './write/deferred-enrichment.js';
