import type { ObjectRef } from '../types.js';
import { EVENT_SELECT } from './map.js';
import type { ChangesQuery, EventPosition, EventQuery, SortOrder, TimelineQuery } from './types.js';

/**
 * SQL for the keyset-paged reads (never OFFSET: deep pages would scan every skipped row). Values
 * only ever travel as `?` parameters; the text is assembled from fixed fragments chosen by code.
 */
export interface Sql {
  sql: string;
  params: unknown[];
}

export function buildListQuery(q: EventQuery): Sql {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, value: unknown): void => {
    if (value === undefined) return;
    where.push(cond);
    params.push(value);
  };
  add('portal_id = ?', q.portalId);
  add('object_type = ?', q.objectType);
  add('object_id = ?', q.objectId);
  add('subscription_type = ?', q.subscriptionType);
  add('occurred_at >= ?', q.from);
  add('occurred_at <= ?', q.to);
  addKeyset(where, params, q.order, q.after);
  return {
    sql: `SELECT ${EVENT_SELECT} FROM events FORCE INDEX (${listIndex(q)}) ${whereSql(where)} ${orderSql(q.order)} LIMIT ?`,
    params: [...params, q.limit],
  };
}

export function buildTimelineQuery(ref: ObjectRef, q: TimelineQuery): Sql {
  const where = ['portal_id = ?', 'object_type = ?', 'object_id = ?'];
  const params: unknown[] = [ref.portalId, ref.objectType, ref.objectId];
  addKeyset(where, params, q.order, q.after);
  return {
    sql: `SELECT ${EVENT_SELECT} FROM events FORCE INDEX (ix_events_object_timeline) ${whereSql(where)} ${orderSql(q.order)} LIMIT ?`,
    params: [...params, q.limit],
  };
}

export function buildChangesQuery(q: ChangesQuery): Sql {
  const where = ['id > ?'];
  const params: unknown[] = [q.afterId];
  if (q.portalId !== undefined) {
    where.push('portal_id = ?');
    params.push(q.portalId);
  }
  const index = q.portalId === undefined ? 'PRIMARY' : 'ix_events_portal_changes';
  return {
    sql: `SELECT ${EVENT_SELECT} FROM events FORCE INDEX (${index}) ${whereSql(where)} ORDER BY id ASC LIMIT ?`,
    params: [...params, q.limit],
  };
}

/**
 * The index whose columns are the filter equalities followed by (occurred_at, id), so a page is
 * read in order and the scan stops after `limit` rows — never a filesort over every match.
 * Forced because with LIMIT both optimizers sometimes prefer walking ix_events_occurred and
 * filtering, which degrades badly for a small portal or a rare type in a large table.
 * An objectId without portalId and objectType has no index of its own: it walks
 * ix_events_occurred (in order, stopping at `limit` matches), which is cheap for recent or
 * frequent objects and a long scan for a rare one in a big table.
 */
export function listIndex(q: Pick<EventQuery, 'portalId' | 'objectType' | 'objectId' | 'subscriptionType'>): string {
  if (q.portalId !== undefined && q.objectType !== undefined && q.objectId !== undefined) return 'ix_events_object_timeline';
  if (q.portalId !== undefined) return 'ix_events_portal_occurred';
  if (q.subscriptionType !== undefined) return 'ix_events_type_occurred';
  return 'ix_events_occurred';
}

/**
 * `(t > ? OR (t = ? AND id > ?))` plus the redundant `t >= ?`, which hands both optimizers a plain
 * range on the occurred_at index column; row-value comparisons `(t, id) > (?, ?)` are not turned
 * into index ranges by every MySQL/MariaDB version.
 */
function addKeyset(where: string[], params: unknown[], order: SortOrder, after: EventPosition | undefined): void {
  if (!after) return;
  const op = order === 'asc' ? '>' : '<';
  where.push(`occurred_at ${op}= ?`, `(occurred_at ${op} ? OR (occurred_at = ? AND id ${op} ?))`);
  params.push(after.occurredAt, after.occurredAt, after.occurredAt, after.id);
}

function orderSql(order: SortOrder): string {
  return order === 'asc' ? 'ORDER BY occurred_at ASC, id ASC' : 'ORDER BY occurred_at DESC, id DESC';
}

function whereSql(where: string[]): string {
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}
