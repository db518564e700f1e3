import type { EnrichmentState, ObjectState } from './types.js';

/**
 * Row decoding shared by the writer and the reader. MySQL 8 returns JSON columns parsed, MariaDB
 * (JSON = LONGTEXT) returns strings; BIGINTs come back as numbers, or as strings past 2^53.
 */
export function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export const STATE_COLUMNS =
  'portal_id, object_type, object_id, properties, property_versions, archived, archived_version, ' +
  'merged_into_object_id, merged_version, created_at, last_event_at, snapshot_at';

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
  };
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function isEnrichmentState(v: unknown): v is EnrichmentState {
  return v === 'pending' || v === 'enriched' || v === 'not_found' || v === 'skipped';
}
