import type { DataSource } from '@hookstream/store';
import { classifyError, LEDGER_WATERMARK, num, parseJson } from '@hookstream/store';
import type { DeliverableEvent } from '../model/payload.js';

const COLUMNS = 'id, provider, source, type, occurred_at, received_at, raw, traceparent';

function eventFromRow(r: Record<string, unknown>): DeliverableEvent {
  return {
    id: num(r.id),
    provider: String(r.provider),
    source: String(r.source),
    type: String(r.type),
    occurredAt: num(r.occurred_at),
    receivedAt: num(r.received_at),
    raw: parseJson(r.raw),
    ...(typeof r.traceparent === 'string' ? { traceparent: r.traceparent } : {}),
  };
}

/** The ledger as deliveries read it: the fields a delivery body is made of, by id. */
export interface DeliverableEvents {
  /** The next `limit` events after `afterId`, in id (= commit) order: what the fan-out reads. */
  after(afterId: number, limit: number): Promise<DeliverableEvent[]>;
  /** These events by id; ids no longer in the ledger are absent. */
  byIds(ids: readonly number[]): Promise<Map<number, DeliverableEvent>>;
}

export function createDeliverableEvents(ds: DataSource): DeliverableEvents {
  const q = async (what: string, sql: string, params: unknown[]): Promise<DeliverableEvent[]> => {
    try {
      return ((await ds.query(sql, params)) as Array<Record<string, unknown>>).map(eventFromRow);
    } catch (err) {
      throw classifyError(err, what);
    }
  };
  return {
    // Below the watermark only: a lower id may not be committed yet (see LEDGER_WATERMARK).
    after: (afterId, limit) =>
      q('read the ledger', `SELECT ${COLUMNS} FROM events e WHERE e.id > ? AND e.id < ${LEDGER_WATERMARK} ORDER BY e.id LIMIT ?`, [afterId, limit]),
    async byIds(ids) {
      if (ids.length === 0) return new Map();
      const rows = await q('read events', `SELECT ${COLUMNS} FROM events WHERE id IN (${ids.map(() => '?').join(', ')})`, [...ids]);
      return new Map(rows.map((e) => [e.id, e]));
    },
  };
}
