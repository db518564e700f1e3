import { PortalTokenEntity } from './tokens/entity.js';
import { EntitySchema } from 'typeorm';
import type { Association, EnrichmentState, EventFields, ObjectState } from './types.js';

/**
 * TypeORM metadata for the tables the Initial migration creates (EntitySchema, no decorators).
 * The hot paths use parameterised SQL through a QueryRunner; these schemas keep the model
 * declared in one place, let ad-hoc code use repositories, and a test checks they match the
 * migrated schema (TypeORM's schema builder must find nothing to change).
 */
export interface EventRow extends EventFields {
  id: number;
  processedAt: number;
  enrichment: unknown;
  enrichmentState: EnrichmentState;
  enrichmentAttempts: number;
  enrichmentError: string | null;
  enrichmentNextAt: number | null;
  enrichedAt: number | null;
  enrichmentClaim: string | null;
}

export interface ObjectStateRow extends ObjectState {
  updatedAt: number;
}

export interface EventSequenceRow {
  id: number;
}

const big = (name: string, nullable = false) => ({ type: 'bigint' as const, name, nullable });
const str = (name: string, length: number, nullable = false) => ({ type: 'varchar' as const, name, length, nullable });

export const EventEntity = new EntitySchema<EventRow>({
  name: 'Event',
  tableName: 'events',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment', unsigned: true },
    provider: str('provider', 32),
    portalId: big('portal_id'),
    appId: big('app_id', true),
    subscriptionId: big('subscription_id'),
    eventId: big('event_id'),
    subscriptionType: str('subscription_type', 100),
    objectType: str('object_type', 64),
    objectTypeId: str('object_type_id', 32, true),
    objectId: big('object_id'),
    occurredAt: big('occurred_at'),
    receivedAt: big('received_at'),
    processedAt: big('processed_at'),
    attemptNumber: { type: 'int', name: 'attempt_number' },
    changeSource: str('change_source', 64, true),
    changeFlag: str('change_flag', 64, true),
    propertyName: str('property_name', 255, true),
    propertyValue: { type: 'mediumtext', name: 'property_value', nullable: true },
    requestId: str('request_id', 64, true),
    raw: { type: 'json', name: 'raw' },
    enrichment: { type: 'json', name: 'enrichment', nullable: true },
    enrichmentState: str('enrichment_state', 16),
    enrichmentAttempts: { type: 'int', name: 'enrichment_attempts', default: 0 },
    enrichmentError: str('enrichment_error', 500, true),
    enrichmentNextAt: big('enrichment_next_at', true),
    enrichedAt: big('enriched_at', true),
    enrichmentClaim: str('enrichment_claim', 36, true),
  },
  uniques: [{ name: 'uq_events_delivery', columns: ['portalId', 'subscriptionId', 'eventId', 'occurredAt', 'objectId'] }],
  indices: [
    { name: 'ix_events_occurred', columns: ['occurredAt', 'id'] },
    { name: 'ix_events_object_timeline', columns: ['portalId', 'objectType', 'objectId', 'occurredAt', 'id'] },
    { name: 'ix_events_portal_occurred', columns: ['portalId', 'occurredAt', 'id'] },
    { name: 'ix_events_portal_changes', columns: ['portalId', 'id'] },
    { name: 'ix_events_type_occurred', columns: ['subscriptionType', 'occurredAt', 'id'] },
    { name: 'ix_events_enrichment_due', columns: ['enrichmentState', 'enrichmentNextAt'] },
  ],
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

export const ENTITIES = [EventEntity, ObjectStateEntity, EventSequenceEntity, ObjectAssociationEntity, PortalTokenEntity];
