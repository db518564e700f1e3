import type { DataSource } from 'typeorm';
import { StoreValidationError, classifyError } from '../errors.js';
import { STATE_COLUMNS, stateFromRow } from '../rows.js';
import { eventFromRow } from './map.js';
import { buildChangesQuery, buildListQuery, buildTimelineQuery, type Sql } from './sql.js';
import type { EventReader } from './types.js';

/** Upper bound on one page; the API allows 1000 (+1 to detect a further page). */
const MAX_LIMIT = 10_000;

export function createEventReader(ds: DataSource): EventReader {
  const run = async (what: string, { sql, params }: Sql): Promise<Array<Record<string, unknown>>> => {
    try {
      return (await ds.query(sql, params)) as Array<Record<string, unknown>>;
    } catch (err) {
      throw classifyError(err, what);
    }
  };

  return {
    async list(q) {
      checkLimit(q.limit);
      return (await run('list events', buildListQuery(q))).map(eventFromRow);
    },
    async changes(q) {
      checkLimit(q.limit);
      return (await run('read changes', buildChangesQuery(q))).map(eventFromRow);
    },
    async objectState(ref) {
      const rows = await run('read object state', {
        sql: `SELECT ${STATE_COLUMNS} FROM object_state WHERE portal_id = ? AND object_type = ? AND object_id = ?`,
        params: [ref.portalId, ref.objectType, ref.objectId],
      });
      return rows[0] ? stateFromRow(rows[0]) : undefined;
    },
    async timeline(ref, q) {
      checkLimit(q.limit);
      return (await run('read timeline', buildTimelineQuery(ref, q))).map(eventFromRow);
    },
  };
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new StoreValidationError(`limit must be an integer between 1 and ${MAX_LIMIT}`);
  }
}
