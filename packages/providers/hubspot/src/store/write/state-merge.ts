import type { QueryRunner } from 'typeorm';
import { STATE_COLUMNS, stateFromRow } from '../rows.js';
import { applyUpdates, sameState } from '../state/reduce.js';
import type { ObjectRef, ObjectState, StateChange, StateUpdate } from '../types.js';

const LOCK_CHUNK = 200;
const STATE_COLUMN_COUNT = STATE_COLUMNS.split(',').length;

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

/** An object's state before and after a merge (undefined: no row). */
export interface MergedState {
  ref: ObjectRef;
  before: ObjectState | undefined;
  after: ObjectState | undefined;
}

/**
 * Locks the object_state rows of `changes`, merges the updates in JS and writes back only rows
 * whose information changed. Must run inside a transaction. Returns every object's state before
 * and after, by refKey. A change with no updates only locks and reads its row (never creates it):
 * the writer uses that to see privacy tombstones of objects whose events carry no state updates.
 *
 * Rows that do not exist yet are inserted with `ON DUPLICATE KEY UPDATE portal_id = portal_id`:
 * if another writer created one in the meantime, that no-op still takes its row lock (waiting
 * for the other commit), and we re-read and merge into it. So concurrent first events for one
 * object never fail the transaction. Reads use FORCE INDEX (PRIMARY): MariaDB may otherwise pick
 * ix_state_recent, whose (portal, type) prefix also matches, and lock-scan every such object.
 */
export async function mergeState(qr: QueryRunner, changes: readonly StateChange[], now: number): Promise<Map<string, MergedState>> {
  const out = new Map<string, MergedState>();
  if (changes.length === 0) return out;
  const existing = await lockRows(
    qr,
    changes.map((c) => c.ref),
  );

  const missing: StateChange[] = [];
  const changed: ObjectState[] = [];
  for (const c of changes) {
    const prev = existing.get(refKey(c.ref));
    if (prev) {
      const next = applyUpdates(prev, c.ref, c.updates);
      if (!sameState(applyUpdates(prev, c.ref, []), next)) changed.push(next);
      out.set(refKey(c.ref), { ref: c.ref, before: prev, after: next });
    } else if (c.updates.length > 0) {
      missing.push(c);
    } else {
      out.set(refKey(c.ref), { ref: c.ref, before: undefined, after: undefined });
    }
  }
  await rewriteRows(qr, changed, now);

  if (missing.length > 0) {
    const created = missing.map((c) => applyUpdates(undefined, c.ref, c.updates));
    const rowSql = `(${new Array(STATE_COLUMN_COUNT + 1).fill('?').join(', ')})`;
    const res = (await qr.query(
      `INSERT INTO object_state (${STATE_COLUMNS}, updated_at) VALUES ${created.map(() => rowSql).join(', ')}
       ON DUPLICATE KEY UPDATE portal_id = portal_id`,
      created.flatMap((s) => [...stateValues(s), now]),
    )) as { affectedRows: number };
    missing.forEach((c, i) => out.set(refKey(c.ref), { ref: c.ref, before: undefined, after: created[i] }));
    if (res.affectedRows < missing.length) {
      // Some rows appeared concurrently; we hold their locks now. Merging into every re-read row
      // is safe: for a row we inserted ourselves the merge changes nothing (updates are idempotent).
      const mergedInto: ObjectState[] = [];
      const raced = await lockRows(
        qr,
        missing.map((c) => c.ref),
      );
      for (const c of missing) {
        const row = raced.get(refKey(c.ref));
        if (!row) throw new Error('object_state row vanished while locked');
        const next = applyUpdates(row, c.ref, c.updates);
        if (!sameState(applyUpdates(row, c.ref, []), next)) mergedInto.push(next);
        // `before` stays undefined: a row we inserted ourselves is indistinguishable here from a
        // concurrent one, and callers only use it to see what is new (treating it as new is safe).
        out.set(refKey(c.ref), { ref: c.ref, before: undefined, after: next });
      }
      await rewriteRows(qr, mergedInto, now);
    }
  }
  return out;
}

async function lockRows(qr: QueryRunner, refs: readonly ObjectRef[]): Promise<Map<string, ObjectState>> {
  const found = new Map<string, ObjectState>();
  for (let i = 0; i < refs.length; i += LOCK_CHUNK) {
    const where = refsWhere(refs.slice(i, i + LOCK_CHUNK));
    const rows = (await qr.query(
      `SELECT ${STATE_COLUMNS} FROM object_state FORCE INDEX (PRIMARY) WHERE ${where.sql}
       ORDER BY portal_id, object_type, object_id FOR UPDATE`,
      where.params,
    )) as Array<Record<string, unknown>>;
    for (const row of rows) {
      const s = stateFromRow(row);
      found.set(refKey(s), s);
    }
  }
  return found;
}

/** Columns an existing row's rewrite sets: every state column but the key. */
const REWRITTEN = `${STATE_COLUMNS.split(',')
  .slice(3)
  .map((c) => `${c.trim()} = VALUES(${c.trim()})`)
  .join(', ')}, updated_at = VALUES(updated_at)`;

/**
 * Writes back rows this transaction already holds locked, many per statement: one UPDATE per
 * object cost a round trip and a statement's parse each (about 0.3 ms of the server's time when
 * a deferred read's snapshots land for a few hundred objects at once). The rows exist and are
 * locked, so the INSERT always takes its ON DUPLICATE KEY branch. VALUES() is the form both
 * MariaDB and MySQL 8.4 accept.
 */
async function rewriteRows(qr: QueryRunner, rows: readonly ObjectState[], now: number): Promise<void> {
  const rowSql = `(${new Array(STATE_COLUMN_COUNT + 1).fill('?').join(', ')})`;
  for (let i = 0; i < rows.length; i += LOCK_CHUNK) {
    const chunk = rows.slice(i, i + LOCK_CHUNK);
    await qr.query(
      `INSERT INTO object_state (${STATE_COLUMNS}, updated_at) VALUES ${chunk.map(() => rowSql).join(', ')}
       ON DUPLICATE KEY UPDATE ${REWRITTEN}`,
      chunk.flatMap((s) => [...stateValues(s), now]),
    );
  }
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
    s.mergedObjectIds.length > 0 ? JSON.stringify(s.mergedObjectIds) : null,
    s.privacyDeletedAt,
  ];
}
