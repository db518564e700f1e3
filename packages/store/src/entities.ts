import { PortalTokenEntity } from './tokens/entity.js';
import { EntitySchema } from 'typeorm';
import type { Association, EnrichmentState, ObjectState } from './types.js';

/**
 * TypeORM metadata for the tables the Initial migration creates (EntitySchema, no decorators).
 * The hot paths use parameterised SQL through a QueryRunner; these schemas keep the model
 * declared in one place, let ad-hoc code use repositories, and a test checks they match the
 * migrated schema (TypeORM's schema builder must find nothing to change).
 */
/** One ledger row: every accepted event of every provider (provider-specific columns live in the provider's tables). */
export interface LedgerRow {
  id: number;
  provider: string;
  source: string;
  tenant: string | null;
  type: string;
  subject: string | null;
  eventId: string;
  idempotencyKey: string;
  occurredAt: number;
  receivedAt: number;
  processedAt: number;
  requestId: string | null;
  raw: unknown;
}

export interface ObjectStateRow extends ObjectState {
  updatedAt: number;
}

export interface EventSequenceRow {
  id: number;
}

const big = (name: string, nullable = false) => ({ type: 'bigint' as const, name, nullable });
const str = (name: string, length: number, nullable = false) => ({ type: 'varchar' as const, name, length, nullable });

export const EventEntity = new EntitySchema<LedgerRow>({
  name: 'Event',
  tableName: 'events',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment', unsigned: true },
    provider: str('provider', 32),
    source: str('source', 64),
    tenant: str('tenant', 128, true),
    type: str('type', 128),
    subject: str('subject', 255, true),
    eventId: str('event_id', 255),
    idempotencyKey: str('idempotency_key', 255),
    occurredAt: big('occurred_at'),
    receivedAt: big('received_at'),
    processedAt: big('processed_at'),
    requestId: str('request_id', 64, true),
    raw: { type: 'json', name: 'raw' },
  },
  uniques: [{ name: 'uq_events_idempotency', columns: ['provider', 'source', 'idempotencyKey'] }],
  indices: [
    { name: 'ix_events_occurred', columns: ['occurredAt', 'id'] },
    { name: 'ix_events_provider_occurred', columns: ['provider', 'occurredAt', 'id'] },
    { name: 'ix_events_source_occurred', columns: ['provider', 'source', 'occurredAt', 'id'] },
    { name: 'ix_events_tenant_occurred', columns: ['provider', 'tenant', 'occurredAt', 'id'] },
    { name: 'ix_events_subject_timeline', columns: ['provider', 'tenant', 'subject', 'occurredAt', 'id'] },
    { name: 'ix_events_type_occurred', columns: ['type', 'occurredAt', 'id'] },
    { name: 'ix_events_provider_changes', columns: ['provider', 'id'] },
    { name: 'ix_events_tenant_changes', columns: ['provider', 'tenant', 'id'] },
  ],
});

/** HubSpot's columns of one ledger row (same id). */
export interface HubSpotEventRow {
  id: number;
  portalId: number;
  appId: number | null;
  subscriptionId: number;
  eventId: number;
  objectType: string;
  objectTypeId: string | null;
  objectId: number;
  attemptNumber: number;
  changeSource: string | null;
  changeFlag: string | null;
  propertyName: string | null;
  propertyValue: string | null;
  enrichment: unknown;
  enrichmentState: EnrichmentState;
  enrichmentAttempts: number;
  enrichmentError: string | null;
  enrichmentNextAt: number | null;
  enrichedAt: number | null;
  enrichmentClaim: string | null;
}

export const HubSpotEventEntity = new EntitySchema<HubSpotEventRow>({
  name: 'HubSpotEvent',
  tableName: 'hubspot_events',
  columns: {
    id: { type: 'bigint', primary: true, unsigned: true },
    portalId: big('portal_id'),
    appId: big('app_id', true),
    subscriptionId: big('subscription_id'),
    eventId: big('event_id'),
    objectType: str('object_type', 64),
    objectTypeId: str('object_type_id', 32, true),
    objectId: big('object_id'),
    attemptNumber: { type: 'int', name: 'attempt_number' },
    changeSource: str('change_source', 64, true),
    changeFlag: str('change_flag', 64, true),
    propertyName: str('property_name', 255, true),
    propertyValue: { type: 'mediumtext', name: 'property_value', nullable: true },
    enrichment: { type: 'json', name: 'enrichment', nullable: true },
    enrichmentState: str('enrichment_state', 16),
    enrichmentAttempts: { type: 'int', name: 'enrichment_attempts', default: 0 },
    enrichmentError: str('enrichment_error', 500, true),
    enrichmentNextAt: big('enrichment_next_at', true),
    enrichedAt: big('enriched_at', true),
    enrichmentClaim: str('enrichment_claim', 36, true),
  },
  indices: [{ name: 'ix_hubspot_events_enrichment_due', columns: ['enrichmentState', 'enrichmentNextAt'] }],
});

export const ObjectStateEntity = new EntitySchema<ObjectStateRow>({
  name: 'ObjectState',
  tableName: 'object_state',
  columns: {
    portalId: { ...big('portal_id'), primary: true },
    objectType: { ...str('object_type', 64), primary: true },
    objectId: { ...big('object_id'), primary: true },
    properties: { type: 'json', name: 'properties' },
    propertyVersions: { type: 'json', name: 'property_versions' },
    archived: { type: 'tinyint', name: 'archived', default: 0 },
    archivedVersion: { type: 'bigint', name: 'archived_version', default: 0 },
    mergedIntoObjectId: big('merged_into_object_id', true),
    mergedVersion: { type: 'bigint', name: 'merged_version', default: 0 },
    createdAt: big('created_at', true),
    lastEventAt: big('last_event_at', true),
    snapshotAt: big('snapshot_at', true),
    updatedAt: big('updated_at'),
    mergedObjectIds: { type: 'json', name: 'merged_object_ids', nullable: true },
    privacyDeletedAt: big('privacy_deleted_at', true),
  },
  indices: [
    { name: 'ix_state_recent', columns: ['portalId', 'objectType', 'lastEventAt'] },
    { name: 'ix_state_merged_into', columns: ['portalId', 'objectType', 'mergedIntoObjectId'] },
  ],
});

export interface ObjectAssociationRow extends Association {
  updatedAt: number;
}

export const ObjectAssociationEntity = new EntitySchema<ObjectAssociationRow>({
  name: 'ObjectAssociation',
  tableName: 'object_associations',
  columns: {
    portalId: { ...big('portal_id'), primary: true },
    fromObjectType: { ...str('from_object_type', 64), primary: true },
    fromObjectId: { ...big('from_object_id'), primary: true },
    toObjectType: { ...str('to_object_type', 64), primary: true },
    toObjectId: { ...big('to_object_id'), primary: true },
    associationType: { ...str('association_type', 100), primary: true },
    isPrimary: { type: 'tinyint', name: 'is_primary', primary: true },
    removed: { type: 'tinyint', name: 'removed' },
    version: big('version'),
    updatedAt: big('updated_at'),
  },
  indices: [{ name: 'ix_assoc_to', columns: ['portalId', 'toObjectType', 'toObjectId'] }],
});

export const EventSequenceEntity = new EntitySchema<EventSequenceRow>({
  name: 'EventSequence',
  tableName: 'event_sequence',
  columns: { id: { type: 'tinyint', primary: true } },
});

export const ENTITIES = [EventEntity, HubSpotEventEntity, ObjectStateEntity, EventSequenceEntity, ObjectAssociationEntity, PortalTokenEntity];
