import type { GeofenceShape } from '@hookstream/geo';
import { inTransaction, type DataSource, type QueryRunner } from '@hookstream/store';
import { num, numOrNull, rowsOf } from './sql.js';

export interface GeofenceInput {
  tag: string;
  externalId: string;
  description: string | null;
  shape: GeofenceShape;
  metadata: Record<string, unknown> | null;
}

export interface GeofenceRecord extends GeofenceInput {
  /** The row id: what presence and events refer to; a geofence deleted and created again gets a new one. */
  id: number;
  createdAt: number;
  updatedAt: number;
}

/** One row as the processors follow them: upserts and deletions in commit order. */
export interface GeofenceChange {
  id: number;
  seq: number;
  tag: string;
  externalId: string;
  description: string | null;
  shape: GeofenceShape;
  deleted: boolean;
}

const TX = { lockWaitTimeoutSec: 10 };

/**
 * The next change number. The counter row stays locked until commit, so numbers are handed out
 * in commit order: a processor that has read every change up to n can never later find one
 * below n committing (which an AUTO_INCREMENT or a timestamp would allow).
 */
async function nextSeq(qr: QueryRunner): Promise<number> {
  await qr.query('UPDATE geofence_seq SET seq = LAST_INSERT_ID(seq + 1) WHERE id = 1');
  const rows = (await qr.query('SELECT LAST_INSERT_ID() AS seq')) as Array<{ seq: unknown }>;
  return num(rows[0]?.seq);
}

/** Creates or replaces geofences (tag + externalId); answers each one's record and whether it was new. */
export async function putGeofences(
  ds: DataSource,
  inputs: readonly GeofenceInput[],
  now: number,
): Promise<Array<{ record: GeofenceRecord; created: boolean }>> {
  if (inputs.length === 0) return [];
  return inTransaction(ds, 'put geofences', TX, async (qr) => {
    const seq = await nextSeq(qr);
    const out: Array<{ record: GeofenceRecord; created: boolean }> = [];
    for (let i = 0; i < inputs.length; i += 500) out.push(...(await putChunk(qr, inputs.slice(i, i + 500), seq, now)));
    return out;
  });
}

async function putChunk(
  qr: QueryRunner,
  inputs: readonly GeofenceInput[],
  seq: number,
  now: number,
): Promise<Array<{ record: GeofenceRecord; created: boolean }>> {
  const existing = await liveRows(qr, inputs, true);
  await qr.query(
    `INSERT INTO geofences (tag, external_id, live_key, description, shape, metadata, seq, created_at, updated_at) VALUES ${rowsOf(inputs.length, 9)}
     ON DUPLICATE KEY UPDATE description = VALUES(description), shape = VALUES(shape), metadata = VALUES(metadata), seq = VALUES(seq), updated_at = VALUES(updated_at)`,
    inputs.flatMap((g) => [
      g.tag,
      g.externalId,
      0,
      g.description,
      JSON.stringify(g.shape),
      g.metadata === null ? null : JSON.stringify(g.metadata),
      seq,
      now,
      now,
    ]),
  );
  const after = await liveRows(qr, inputs, false);
  return inputs.map((g) => {
    const k = refKey(g.tag, g.externalId);
    const row = after.get(k);
    if (!row) throw new Error(`geofence ${k} vanished inside its own transaction`);
    return { record: { ...g, id: row.id, createdAt: row.createdAt, updatedAt: now }, created: !existing.has(k) };
  });
}

const refKey = (tag: string, externalId: string): string => `${tag}\u0000${externalId}`;

async function liveRows(
  qr: QueryRunner,
  refs: ReadonlyArray<{ tag: string; externalId: string }>,
  lock: boolean,
): Promise<Map<string, { id: number; createdAt: number }>> {
  const rows = (await qr.query(
    `SELECT id, tag, external_id, created_at FROM geofences WHERE live_key = 0 AND (tag, external_id) IN (${refs.map(() => '(?, ?)').join(', ')})${lock ? ' FOR UPDATE' : ''}`,
    refs.flatMap((r) => [r.tag, r.externalId]),
  )) as Array<Record<string, unknown>>;
  return new Map(rows.map((r) => [refKey(String(r.tag), String(r.external_id)), { id: num(r.id), createdAt: num(r.created_at) }]));
}

/** Deletes a live geofence; false when there is none. Users inside it get no exit: deleting is no crossing. */
export async function deleteGeofence(ds: DataSource, tag: string, externalId: string, now: number): Promise<boolean> {
  return inTransaction(ds, 'delete geofence', TX, async (qr) => {
    const found = await liveRows(qr, [{ tag, externalId }], true);
    const row = found.get(refKey(tag, externalId));
    if (!row) return false;
    const seq = await nextSeq(qr);
    await qr.query('UPDATE geofences SET live_key = id, deleted_at = ?, updated_at = ?, seq = ? WHERE id = ?', [now, now, seq, row.id]);
    return true;
  });
}

const COLUMNS = 'id, tag, external_id, description, shape, metadata, created_at, updated_at';

function toRecord(r: Record<string, unknown>): GeofenceRecord {
  return {
    id: num(r.id),
    tag: String(r.tag),
    externalId: String(r.external_id),
    description: (r.description as string | null) ?? null,
    shape: json(r.shape) as GeofenceShape,
    metadata: json(r.metadata) as Record<string, unknown> | null,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

const json = (v: unknown): unknown => (v === null || v === undefined ? null : typeof v === 'string' ? JSON.parse(v) : v);

export async function getGeofence(ds: DataSource, tag: string, externalId: string): Promise<GeofenceRecord | null> {
  const rows = (await ds.query(`SELECT ${COLUMNS} FROM geofences WHERE live_key = 0 AND tag = ? AND external_id = ?`, [tag, externalId])) as Array<
    Record<string, unknown>
  >;
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Live geofences by (tag, externalId), `limit` after the given one; optionally one tag only. */
export async function listGeofences(
  ds: DataSource,
  opts: { tag?: string; after?: { tag: string; externalId: string }; limit: number },
): Promise<GeofenceRecord[]> {
  const where = ['live_key = 0'];
  const params: unknown[] = [];
  if (opts.tag !== undefined) {
    where.push('tag = ?');
    params.push(opts.tag);
  }
  if (opts.after) {
    where.push('(tag, external_id) > (?, ?)');
    params.push(opts.after.tag, opts.after.externalId);
  }
  const rows = (await ds.query(`SELECT ${COLUMNS} FROM geofences WHERE ${where.join(' AND ')} ORDER BY tag, external_id LIMIT ?`, [
    ...params,
    opts.limit,
  ])) as Array<Record<string, unknown>>;
  return rows.map(toRecord);
}

/** Where a reader of changes stands: the last (seq, id) it applied. One transaction's rows share a seq. */
export interface ChangePosition {
  seq: number;
  id: number;
}

/** Rows changed after `after`, oldest change first: what a processor's index has not seen yet. */
export async function readGeofenceChanges(ds: DataSource, after: ChangePosition, limit: number): Promise<GeofenceChange[]> {
  const rows = (await ds.query(
    'SELECT id, seq, tag, external_id, description, shape, deleted_at FROM geofences WHERE seq > ? OR (seq = ? AND id > ?) ORDER BY seq, id LIMIT ?',
    [after.seq, after.seq, after.id, limit],
  )) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    id: num(r.id),
    seq: num(r.seq),
    tag: String(r.tag),
    externalId: String(r.external_id),
    description: (r.description as string | null) ?? null,
    shape: json(r.shape) as GeofenceShape,
    deleted: numOrNull(r.deleted_at) !== null,
  }));
}
