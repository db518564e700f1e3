import { LEDGER_WATERMARK } from './reservations.js';
import type { EventPosition, LedgerChangesQuery, LedgerQuery, SortOrder, SubjectMatch } from './types.js';

/**
 * SQL for the ledger's keyset-paged reads (never OFFSET: deep pages would scan every skipped
 * row). Values only ever travel as `?` parameters; the text is assembled from fixed fragments.
 */
export interface Sql {
  sql: string;
  params: unknown[];
}

export const LEDGER_SELECT =
  'e.id, e.provider, e.source, e.tenant, e.type, e.subject, e.event_id, e.idempotency_key, e.occurred_at, e.received_at, e.processed_at, e.request_id, e.raw';

/** `extraSelect`/`join` let a provider read its own columns of the same rows in one query. */
export interface SqlExtension {
  extraSelect?: string;
  join?: string;
}

export function buildLedgerListQuery(q: LedgerQuery, ext: SqlExtension = {}): Sql {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, value: unknown): void => {
    if (value === undefined) return;
    where.push(cond);
    params.push(value);
  };
  add('e.provider = ?', q.provider);
  add('e.source = ?', q.source);
  add('e.tenant = ?', q.tenant);
  add('e.type = ?', q.type);
  addSubject(where, params, q.subject);
  add('e.occurred_at >= ?', q.from);
  add('e.occurred_at <= ?', q.to);
  addKeyset(where, params, q.order, q.after);
  return {
    sql: `SELECT ${select(ext)} FROM events e FORCE INDEX (${listIndex(q)}) ${ext.join ?? ''} ${whereSql(where)} ${orderSql(q.order)} LIMIT ?`,
    params: [...params, q.limit],
  };
}

/** The changes feed: in id order, and only below the lowest id a running writer may still commit (ledger/reservations.ts). */
export function buildLedgerChangesQuery(q: LedgerChangesQuery, ext: SqlExtension = {}): Sql {
  const where = ['e.id > ?', `e.id < ${LEDGER_WATERMARK}`];
  const params: unknown[] = [q.afterId];
  for (const [col, v] of [
    ['provider', q.provider],
    ['source', q.source],
    ['tenant', q.tenant],
  ] as const) {
    if (v === undefined) continue;
    where.push(`e.${col} = ?`);
    params.push(v);
  }
  return {
    sql: `SELECT ${select(ext)} FROM events e FORCE INDEX (${changesIndex(q)}) ${ext.join ?? ''} ${whereSql(where)} ORDER BY e.id ASC LIMIT ?`,
    params: [...params, q.limit],
  };
}

/**
 * The index whose columns are the filter equalities followed by (occurred_at, id), so a page is
 * read in order and the scan stops after `limit` rows — never a filesort over every match.
 * Forced because with LIMIT both optimizers sometimes prefer walking ix_events_occurred and
 * filtering, which degrades badly for a small tenant or a rare type in a large table. Filters
 * without an index of their own (a subject prefix or suffix, a tenant without its provider)
 * walk the best index in order and skip non-matching rows: cheap for frequent matches, a long
 * scan for a rare one in a big table.
 */
export function listIndex(q: Pick<LedgerQuery, 'provider' | 'source' | 'tenant' | 'type' | 'subject'>): string {
  if (q.provider === undefined) return q.type !== undefined ? 'ix_events_type_occurred' : 'ix_events_occurred';
  if (q.tenant !== undefined && q.subject !== undefined && 'eq' in q.subject) return 'ix_events_subject_timeline';
  if (q.tenant !== undefined) return 'ix_events_tenant_occurred';
  if (q.source !== undefined) return 'ix_events_source_occurred';
  if (q.type !== undefined) return 'ix_events_type_occurred';
  return 'ix_events_provider_occurred';
}

function changesIndex(q: LedgerChangesQuery): string {
  if (q.provider === undefined) return 'PRIMARY';
  return q.tenant !== undefined ? 'ix_events_tenant_changes' : 'ix_events_provider_changes';
}

function addSubject(where: string[], params: unknown[], s: SubjectMatch | undefined): void {
  if (!s) return;
  if ('eq' in s) {
    where.push('e.subject = ?');
    params.push(s.eq);
    return;
  }
  // LIKE with the wildcards of the value escaped: a prefix or suffix matches literally.
  where.push("e.subject LIKE ? ESCAPE '\\\\'");
  params.push('prefix' in s ? `${escapeLike(s.prefix)}%` : `%${escapeLike(s.suffix)}`);
}

const escapeLike = (v: string): string => v.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * `(t > ? OR (t = ? AND id > ?))` plus the redundant `t >= ?`, which hands both optimizers a plain
 * range on the occurred_at index column; row-value comparisons `(t, id) > (?, ?)` are not turned
 * into index ranges by every MySQL/MariaDB version.
 */
function addKeyset(where: string[], params: unknown[], order: SortOrder, after: EventPosition | undefined): void {
  if (!after) return;
  const op = order === 'asc' ? '>' : '<';
  where.push(`e.occurred_at ${op}= ?`, `(e.occurred_at ${op} ? OR (e.occurred_at = ? AND e.id ${op} ?))`);
  params.push(after.occurredAt, after.occurredAt, after.occurredAt, after.id);
}

function orderSql(order: SortOrder): string {
  return order === 'asc' ? 'ORDER BY e.occurred_at ASC, e.id ASC' : 'ORDER BY e.occurred_at DESC, e.id DESC';
}

const select = (ext: SqlExtension): string => (ext.extraSelect ? `${LEDGER_SELECT}, ${ext.extraSelect}` : LEDGER_SELECT);

function whereSql(where: string[]): string {
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}
