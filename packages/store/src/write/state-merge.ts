import type { QueryRunner } from 'typeorm';
import { STATE_COLUMNS, stateFromRow } from '../rows.js';
import { applyUpdates, sameState } from '../state/reduce.js';
import type { ObjectRef, ObjectState, StateChange, StateUpdate } from '../types.js';

const LOCK_CHUNK = 200;

export function refKey(r: ObjectRef): string {
  return `${r.portalId}\u0000${r.objectType}\u0000${r.objectId}`;
}

/** Primary-key order, so every writer takes row locks in the same sequence. */
export function compareRefs(a: ObjectRef, b: ObjectRef): number {
  if (a.portalId !== b.portalId) return a.portalId - b.portalId;
  if (a.objectType !== b.objectType) return Buffer.compare(Buffer.from(a.objectType), Buffer.from(b.objectType));
  return a.objectId - b.objectId;
}

/** One entry per object, updates concatenated, sorted by primary key. */
export function groupChanges(changes: readonly StateChange[]): StateChange[] {
  const byKey = new Map<string, { ref: ObjectRef; updates: StateUpdate[] }>();
  for (const c of changes) {
    const key = refKey(c.ref);
    const entry = byKey.get(key);
    if (entry) entry.updates.push(...c.updates);
    else byKey.set(key, { ref: { portalId: c.ref.portalId, objectType: c.ref.objectType, objectId: c.ref.objectId }, updates: [...c.updates] });
  }
  return [...byKey.values()].sort((a, b) => compareRefs(a.ref, b.ref));
}

/** `(portal_id = ? AND object_type = ? AND object_id = ?) OR …`: both servers turn this into PK ranges. */
export function refsWhere(refs: readonly ObjectRef[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  for (const r of refs) params.push(r.portalId, r.objectType, r.objectId);
  return { sql: refs.map(() => '(portal_id = ? AND object_type = ? AND object_id = ?)').join(' OR '), params };
}

/**
 * FORCE INDEX (PRIMARY): MariaDB otherwise may pick ix_state_recent, whose (portal, type) prefix
 * matches too, and lock-scan every object of that type in the portal.
 *
 * Locks the object_state rows of `changes` (in primary-key order), merges the updates in JS and
 * writes back only rows whose information changed. Must run inside a transaction.
 * Returns the number of rows inserted or updated.
 */
export async function mergeState(qr: QueryRunner, changes: readonly StateChange[], now: number): Promise<number> {
  if (changes.length === 0) return 0;
  const existing = new Map<string, ObjectState>();
  for (let i = 0; i < changes.length; i += LOCK_CHUNK) {
    const where = refsWhere(changes.slice(i, i + LOCK_CHUNK).map((c) => c.ref));
    const rows = (await qr.query(
      `SELECT ${STATE_COLUMNS} FROM object_state FORCE INDEX (PRIMARY) WHERE ${where.sql} ORDER BY portal_id, object_type, object_id FOR UPDATE`,
      where.params,
    )) as Array<Record<string, unknown>>;
    for (const row of rows) {
      const s = stateFromRow(row);
      existing.set(refKey(s), s);
    }
  }

  const inserts: ObjectState[] = [];
  let written = 0;
  for (const c of changes) {
    const prev = existing.get(refKey(c.ref));
    const next = applyUpdates(prev, c.ref, c.updates);
    if (!prev) {
      inserts.push(next);
      continue;
    }
    if (sameState(applyUpdates(prev, c.ref, []), next)) continue;
    await qr.query(
      `UPDATE object_state SET properties = ?, property_versions = ?, archived = ?, archived_version = ?,
         merged_into_object_id = ?, merged_version = ?, created_at = ?, last_event_at = ?, snapshot_at = ?, updated_at = ?
       WHERE portal_id = ? AND object_type = ? AND object_id = ?`,
      [...stateValues(next).slice(3), now, next.portalId, next.objectType, next.objectId],
    );
    written++;
  }
  if (inserts.length > 0) {
    // A plain INSERT: if another writer created the same object meanwhile this fails with a
    // duplicate key and the transaction is retried, then finding (and merging into) that row.
    const rowSql = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
    await qr.query(
      `INSERT INTO object_state (${STATE_COLUMNS}, updated_at) VALUES ${inserts.map(() => rowSql).join(', ')}`,
      inserts.flatMap((s) => [...stateValues(s), now]),
    );
    written += inserts.length;
  }
  return written;
}

/** Values in STATE_COLUMNS order. */
function stateValues(s: ObjectState): unknown[] {
  return [
    s.portalId,
    s.objectType,
    s.objectId,
    JSON.stringify(s.properties),
    JSON.stringify(s.propertyVersions),
    s.archived ? 1 : 0,
    s.archivedVersion,
    s.mergedIntoObjectId,
    s.mergedVersion,
    s.createdAt,
    s.lastEventAt,
    s.snapshotAt,
  ];
}
