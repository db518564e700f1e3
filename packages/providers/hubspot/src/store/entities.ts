import { EntitySchema } from 'typeorm';
import { PortalTokenEntity } from './tokens-entity.js';
import type { Association, EnrichmentState, ObjectState } from './types.js';

/** TypeORM metadata of HubSpot's tables (created by the store's historic migrations, see README). */
const big = (name: string, nullable = false) => ({ type: 'bigint' as const, name, nullable });
const str = (name: string, length: number, nullable = false) => ({ type: 'varchar' as const, name, length, nullable });

export interface ObjectStateRow extends ObjectState {
  updatedAt: number;
}

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

export const HUBSPOT_ENTITIES = [HubSpotEventEntity, ObjectStateEntity, ObjectAssociationEntity, PortalTokenEntity];
