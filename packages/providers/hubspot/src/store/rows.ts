import { num, numOrNull, parseJson } from '@hookstream/store';
import type { Association, EnrichmentState, ObjectState } from './types.js';

/** HubSpot's row decoding (object state, associations, enrichment states). */
export const STATE_COLUMNS =
  'portal_id, object_type, object_id, properties, property_versions, archived, archived_version, ' +
  'merged_into_object_id, merged_version, created_at, last_event_at, snapshot_at, merged_object_ids, privacy_deleted_at';

export function stateFromRow(r: Record<string, unknown>): ObjectState {
  return {
    portalId: num(r.portal_id),
    objectType: String(r.object_type),
    objectId: num(r.object_id),
    properties: asRecord(parseJson(r.properties)) as Record<string, string | null>,
    propertyVersions: asRecord(parseJson(r.property_versions)) as Record<string, number>,
    archived: num(r.archived) === 1,
    archivedVersion: num(r.archived_version),
    mergedIntoObjectId: numOrNull(r.merged_into_object_id),
    mergedVersion: num(r.merged_version),
    createdAt: numOrNull(r.created_at),
    lastEventAt: numOrNull(r.last_event_at),
    snapshotAt: numOrNull(r.snapshot_at),
    mergedObjectIds: idList(parseJson(r.merged_object_ids)),
    privacyDeletedAt: numOrNull(r.privacy_deleted_at),
  };
}

function idList(v: unknown): number[] {
  return Array.isArray(v) ? v.map(num).filter((n) => Number.isSafeInteger(n)) : [];
}

export const ASSOCIATION_COLUMNS = 'portal_id, from_object_type, from_object_id, to_object_type, to_object_id, association_type, is_primary, removed, version';

export function associationFromRow(r: Record<string, unknown>): Association {
  return {
    portalId: num(r.portal_id),
    fromObjectType: String(r.from_object_type),
    fromObjectId: num(r.from_object_id),
    toObjectType: String(r.to_object_type),
    toObjectId: num(r.to_object_id),
    associationType: String(r.association_type),
    isPrimary: num(r.is_primary) === 1,
    removed: num(r.removed) === 1,
    version: num(r.version),
  };
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function isEnrichmentState(v: unknown): v is EnrichmentState {
  return v === 'pending' || v === 'enriched' || v === 'not_found' || v === 'skipped';
}
