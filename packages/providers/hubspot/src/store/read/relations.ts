import { num, strOrNull } from '@hookstream/store';
import { ASSOCIATION_COLUMNS, associationFromRow } from '../rows.js';
import { HUBSPOT_OBJECT_WHERE, hubspotObjectParams, hubspotTenant } from '../ledger-mapping.js';
import type { ObjectRef } from '../types.js';
import type { Sql } from './sql.js';
import type { AssociationQuery, LifecycleEntry, SubscriptionTypeQuery } from './types.js';

/**
 * An object's outgoing associations in primary-key order, keyset-paged. The redundant
 * `to_object_type >= ?` hands both optimizers a plain range (see sql.ts on row comparisons).
 */
export function buildAssociationsQuery(ref: ObjectRef, q: AssociationQuery): Sql {
  const where = ['portal_id = ?', 'from_object_type = ?', 'from_object_id = ?'];
  const params: unknown[] = [ref.portalId, ref.objectType, ref.objectId];
  if (!q.includeRemoved) where.push('removed = 0');
  const a = q.after;
  if (a) {
    const p = a.isPrimary ? 1 : 0;
    where.push(
      'to_object_type >= ?',
      `(to_object_type > ? OR (to_object_type = ? AND (to_object_id > ? OR (to_object_id = ? AND
        (association_type > ? OR (association_type = ? AND is_primary > ?))))))`,
    );
    params.push(a.toObjectType, a.toObjectType, a.toObjectType, a.toObjectId, a.toObjectId, a.associationType, a.associationType, p);
  }
  return {
    sql: `SELECT ${ASSOCIATION_COLUMNS} FROM object_associations WHERE ${where.join(' AND ')}
          ORDER BY to_object_type, to_object_id, association_type, is_primary LIMIT ?`,
    params: [...params, q.limit],
  };
}

export { associationFromRow };

/** Rows read per query for the lifecycle history; a contact with more stage changes is truncated. */
export const LIFECYCLE_MAX_ROWS = 5000;

export function buildLifecycleChangesQuery(ref: ObjectRef): Sql {
  return {
    sql: `SELECT e.id, h.event_id, e.type AS subscription_type, e.occurred_at, h.property_value
          FROM events e FORCE INDEX (ix_events_subject_timeline) JOIN hubspot_events h ON h.id = e.id
          WHERE ${HUBSPOT_OBJECT_WHERE} AND h.property_name = 'lifecyclestage'
          ORDER BY e.occurred_at, e.id LIMIT ?`,
    params: [...hubspotObjectParams(ref), LIFECYCLE_MAX_ROWS],
  };
}

/** lifecyclestage and updatedAt of each stored snapshot, extracted in SQL (same functions on both servers). */
export function buildLifecycleSnapshotsQuery(ref: ObjectRef): Sql {
  const stage = "JSON_EXTRACT(h.enrichment, '$.properties.lifecyclestage')";
  return {
    sql: `SELECT e.id, h.event_id, e.type AS subscription_type, e.occurred_at,
            CASE JSON_TYPE(${stage}) WHEN 'STRING' THEN JSON_UNQUOTE(${stage}) END AS stage,
            JSON_UNQUOTE(JSON_EXTRACT(h.enrichment, '$.updatedAt')) AS updated_at
          FROM events e FORCE INDEX (ix_events_subject_timeline) JOIN hubspot_events h ON h.id = e.id
          WHERE ${HUBSPOT_OBJECT_WHERE} AND h.enrichment_state = 'enriched'
          ORDER BY e.occurred_at, e.id LIMIT ?`,
    params: [...hubspotObjectParams(ref), LIFECYCLE_MAX_ROWS],
  };
}

/**
 * The stage history: every lifecyclestage propertyChange, plus the value of the earliest
 * snapshot (by HubSpot's updatedAt) — the stage a contact was created with never arrives as a
 * propertyChange. Ordered by time (ties: propertyChange first, then ingestion id); an entry
 * repeating the stage of the entry before it is dropped (a legacy and a generic subscription
 * both report the same change; a snapshot restates a known stage).
 */
export function lifecycleHistory(changes: Array<Record<string, unknown>>, snapshots: Array<Record<string, unknown>>): LifecycleEntry[] {
  type Row = LifecycleEntry & { id: number };
  const rows: Row[] = changes.map((r) => ({
    stage: strOrNull(r.property_value),
    at: num(r.occurred_at),
    eventId: num(r.event_id),
    subscriptionType: String(r.subscription_type),
    source: 'propertyChange',
    id: num(r.id),
  }));
  let first: Row | undefined;
  for (const r of snapshots) {
    if (r.stage === null || r.stage === undefined) continue;
    const parsed = typeof r.updated_at === 'string' ? Date.parse(r.updated_at) : NaN;
    const candidate: Row = {
      stage: String(r.stage),
      at: Number.isFinite(parsed) ? parsed : num(r.occurred_at),
      eventId: num(r.event_id),
      subscriptionType: String(r.subscription_type),
      source: 'snapshot',
      id: num(r.id),
    };
    if (!first || candidate.at < first.at || (candidate.at === first.at && candidate.id < first.id)) first = candidate;
  }
  if (first) rows.push(first);
  rows.sort((a, b) => a.at - b.at || (a.source === b.source ? 0 : a.source === 'propertyChange' ? -1 : 1) || a.id - b.id);
  const out: LifecycleEntry[] = [];
  for (const { id: _id, ...entry } of rows) {
    if (out.length > 0 && out[out.length - 1]?.stage === entry.stage) continue;
    out.push(entry);
  }
  return out;
}

export function buildSubscriptionTypeStatsQuery(q: SubscriptionTypeQuery): Sql {
  const where: string[] = ["provider = 'hubspot'"];
  const params: unknown[] = [];
  if (q.portalId !== undefined) {
    where.push('tenant = ?');
    params.push(hubspotTenant(q.portalId));
  }
  if (q.from !== undefined) {
    where.push('occurred_at >= ?');
    params.push(q.from);
  }
  if (q.to !== undefined) {
    where.push('occurred_at <= ?');
    params.push(q.to);
  }
  return {
    sql: `SELECT type AS subscription_type, COUNT(*) AS n, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at FROM events
          WHERE ${where.join(' AND ')} GROUP BY type ORDER BY type`,
    params,
  };
}
