import type { DataSource } from '@hookstream/store';
import { classifyError, num } from '@hookstream/store';
import { DELIVERY_COLUMNS, attemptFromRow, deliveryFromRow, type Attempt, type Delivery, type DeliveryState } from './rows.js';

/** One delivery's next attempt, as the dispatcher reads it. */
export interface DueDelivery {
  eventId: number;
  attempts: number;
  roundAttempts: number;
  nextAttemptAt: number;
}

/** What one attempt changed: the attempt's log row and the delivery's new state. */
export interface AttemptResult {
  attempt: Attempt;
  state: DeliveryState;
  roundAttempts: number;
  nextAttemptAt: number;
}

export interface DeliveryPageQuery {
  states?: readonly DeliveryState[];
  limit: number;
  /** Newest first: event ids below this one. */
  beforeEventId?: number;
}

/** Which deliveries a manual retry starts again. */
export interface RetrySelection {
  endpointId: string;
  eventId?: number;
  /** Default: dead only. */
  states?: readonly DeliveryState[];
  /** Inclusive bounds on when the delivery was created (epoch ms). */
  from?: number;
  to?: number;
  /** At most this many per call, in event order after `afterEventId`, so a large retry reports progress. */
  limit: number;
  afterEventId?: number;
}

export interface DeliveryStore {
  /** Creates pending deliveries; ones that exist are left as they are (a fan-out replay is a no-op). Answers how many were new. */
  enqueue(rows: ReadonlyArray<{ endpointId: string; eventId: number }>, now: number): Promise<number>;
  /** Pending deliveries due now, oldest event first, skipping those in flight. */
  due(endpointId: string, q: { now: number; limit: number; exclude: readonly number[] }): Promise<DueDelivery[]>;
  /** The oldest pending delivery, due or not: the head an ordered endpoint must deliver first. */
  head(endpointId: string, exclude: readonly number[]): Promise<DueDelivery | null>;
  /** When the earliest pending delivery not yet due becomes due; null if none. */
  nextDueAt(endpointId: string, now: number): Promise<number | null>;
  /** Writes attempts and the deliveries' new states in two statements, whatever the count. */
  record(results: readonly AttemptResult[], now: number): Promise<void>;
  get(endpointId: string, eventId: number): Promise<Delivery | null>;
  listByEndpoint(endpointId: string, q: DeliveryPageQuery): Promise<Delivery[]>;
  listByEvent(eventId: number, q: { states?: readonly DeliveryState[] }): Promise<Delivery[]>;
  /** Attempts of the given deliveries, oldest first. */
  attempts(keys: ReadonlyArray<{ endpointId: string; eventId: number }>): Promise<Attempt[]>;
  /** Puts the selected deliveries back to pending, due now, with a new round of the schedule. */
  retry(sel: RetrySelection, now: number): Promise<{ retried: number; lastEventId: number | null }>;
  /** Deliveries per state of one endpoint. */
  counts(endpointId: string): Promise<Record<DeliveryState, number>>;
}

const inList = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

export function createDeliveryStore(ds: DataSource): DeliveryStore {
  const q = async (what: string, sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> => {
    try {
      return (await ds.query(sql, params)) as Array<Record<string, unknown>>;
    } catch (err) {
      throw classifyError(err, what);
    }
  };
  const toDue = (r: Record<string, unknown>): DueDelivery => ({
    eventId: num(r.event_id),
    attempts: num(r.attempts),
    roundAttempts: num(r.round_attempts),
    nextAttemptAt: num(r.next_attempt_at),
  });
  const notIn = (exclude: readonly number[]): string => (exclude.length > 0 ? `AND event_id NOT IN (${inList(exclude.length)})` : '');
  return {
    async enqueue(rows, now) {
      if (rows.length === 0) return 0;
      const values = rows.flatMap((r) => [r.endpointId, r.eventId, now, now, now]);
      const res = (await q(
        'enqueue deliveries',
        `INSERT IGNORE INTO deliveries (endpoint_id, event_id, state, attempts, round_attempts, next_attempt_at, created_at, updated_at)
         VALUES ${rows.map(() => "(?, ?, 'pending', 0, 0, ?, ?, ?)").join(', ')}`,
        values,
      )) as unknown as { affectedRows?: number };
      return res.affectedRows ?? 0;
    },
    async due(endpointId, { now, limit, exclude }) {
      const rows = await q(
        'read due deliveries',
        `SELECT event_id, attempts, round_attempts, next_attempt_at FROM deliveries FORCE INDEX (ix_deliveries_due)
         WHERE endpoint_id = ? AND state = 'pending' AND next_attempt_at <= ? ${notIn(exclude)}
         ORDER BY next_attempt_at, event_id LIMIT ?`,
        [endpointId, now, ...exclude, limit],
      );
      return rows.map(toDue);
    },
    async head(endpointId, exclude) {
      const [row] = await q(
        'read next delivery',
        `SELECT event_id, attempts, round_attempts, next_attempt_at FROM deliveries FORCE INDEX (ix_deliveries_state)
         WHERE endpoint_id = ? AND state = 'pending' ${notIn(exclude)} ORDER BY event_id LIMIT 1`,
        [endpointId, ...exclude],
      );
      return row ? toDue(row) : null;
    },
    async nextDueAt(endpointId, now) {
      const [row] = await q(
        'read next due time',
        "SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE endpoint_id = ? AND state = 'pending' AND next_attempt_at > ?",
        [endpointId, now],
      );
      return row?.at === null || row?.at === undefined ? null : num(row.at);
    },
    async record(results, now) {
      if (results.length === 0) return;
      const a = results.map((r) => r.attempt);
      await q(
        'record attempts',
        `INSERT INTO delivery_attempts (endpoint_id, event_id, attempt, started_at, latency_ms, outcome, status, error, response_snippet, external_id)
         VALUES ${a.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        a.flatMap((x) => [
          x.endpointId,
          x.eventId,
          x.attempt,
          x.startedAt,
          x.latencyMs,
          x.outcome,
          x.status,
          x.error?.slice(0, 500) ?? null,
          x.responseSnippet?.slice(0, 1024) ?? null,
          x.externalId?.slice(0, 255) ?? null,
        ]),
      );
      // One statement updates every delivery: the upsert never inserts (the rows exist), and
      // VALUES() is the form both MariaDB and MySQL 8.4 accept.
      await q(
        'record delivery states',
        `INSERT INTO deliveries (endpoint_id, event_id, state, attempts, round_attempts, next_attempt_at, last_attempt_at, last_status, last_error, created_at, updated_at, completed_at)
         VALUES ${results.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON DUPLICATE KEY UPDATE state = VALUES(state), attempts = VALUES(attempts), round_attempts = VALUES(round_attempts),
           next_attempt_at = VALUES(next_attempt_at), last_attempt_at = VALUES(last_attempt_at), last_status = VALUES(last_status),
           last_error = VALUES(last_error), updated_at = VALUES(updated_at), completed_at = VALUES(completed_at)`,
        results.flatMap((r) => [
          r.attempt.endpointId,
          r.attempt.eventId,
          r.state,
          r.attempt.attempt,
          r.roundAttempts,
          r.nextAttemptAt,
          r.attempt.startedAt,
          r.attempt.status,
          r.attempt.outcome === 'succeeded' ? null : (r.attempt.error?.slice(0, 500) ?? `HTTP ${r.attempt.status}`),
          now,
          now,
          r.state === 'pending' ? null : now,
        ]),
      );
    },
    async get(endpointId, eventId) {
      const [row] = await q('read delivery', `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE endpoint_id = ? AND event_id = ?`, [endpointId, eventId]);
      return row ? deliveryFromRow(row) : null;
    },
    async listByEndpoint(endpointId, { states, limit, beforeEventId }) {
      const where = ['endpoint_id = ?'];
      const params: unknown[] = [endpointId];
      if (states && states.length > 0) {
        where.push(`state IN (${inList(states.length)})`);
        params.push(...states);
      }
      if (beforeEventId !== undefined) {
        where.push('event_id < ?');
        params.push(beforeEventId);
      }
      const rows = await q('list deliveries', `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE ${where.join(' AND ')} ORDER BY event_id DESC LIMIT ?`, [
        ...params,
        limit,
      ]);
      return rows.map(deliveryFromRow);
    },
    async listByEvent(eventId, { states }) {
      const filter = states && states.length > 0 ? `AND state IN (${inList(states.length)})` : '';
      const rows = await q('list deliveries', `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE event_id = ? ${filter} ORDER BY endpoint_id`, [
        eventId,
        ...(states ?? []),
      ]);
      return rows.map(deliveryFromRow);
    },
    async attempts(keys) {
      if (keys.length === 0) return [];
      const rows = await q(
        'read attempts',
        `SELECT endpoint_id, event_id, attempt, started_at, latency_ms, outcome, status, error, response_snippet, external_id FROM delivery_attempts
         WHERE (endpoint_id, event_id) IN (${keys.map(() => '(?, ?)').join(', ')}) ORDER BY id`,
        keys.flatMap((k) => [k.endpointId, k.eventId]),
      );
      return rows.map(attemptFromRow);
    },
    async retry(sel, now) {
      const states = sel.states && sel.states.length > 0 ? sel.states : ['dead'];
      const where = ['endpoint_id = ?', `state IN (${inList(states.length)})`];
      const params: unknown[] = [sel.endpointId, ...states];
      const add = (cond: string, v: unknown): void => {
        where.push(cond);
        params.push(v);
      };
      if (sel.eventId !== undefined) add('event_id = ?', sel.eventId);
      if (sel.afterEventId !== undefined) add('event_id > ?', sel.afterEventId);
      if (sel.from !== undefined) add('created_at >= ?', sel.from);
      if (sel.to !== undefined) add('created_at <= ?', sel.to);
      const picked = await q('select deliveries to retry', `SELECT event_id FROM deliveries WHERE ${where.join(' AND ')} ORDER BY event_id LIMIT ?`, [
        ...params,
        sel.limit,
      ]);
      const ids = picked.map((r) => num(r.event_id));
      if (ids.length === 0) return { retried: 0, lastEventId: null };
      await q(
        'retry deliveries',
        `UPDATE deliveries SET state = 'pending', round_attempts = 0, next_attempt_at = ?, completed_at = NULL, updated_at = ?
         WHERE endpoint_id = ? AND event_id IN (${inList(ids.length)})`,
        [now, now, sel.endpointId, ...ids],
      );
      // The owning dispatcher notices endpoint changes within ENDPOINTS_REFRESH_MS and looks for due work.
      await q('signal the retry', 'UPDATE endpoints SET updated_at = GREATEST(updated_at + 1, ?) WHERE id = ?', [now, sel.endpointId]);
      return { retried: ids.length, lastEventId: ids[ids.length - 1] ?? null };
    },
    async counts(endpointId) {
      const rows = await q('count deliveries', 'SELECT state, COUNT(*) AS n FROM deliveries WHERE endpoint_id = ? GROUP BY state', [endpointId]);
      const out: Record<DeliveryState, number> = { pending: 0, succeeded: 0, dead: 0 };
      for (const r of rows) out[String(r.state) as DeliveryState] = num(r.n);
      return out;
    },
  };
}
