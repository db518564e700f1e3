import type { DataSource } from '@hookstream/store';
import { classifyError, num } from '@hookstream/store';

/** How far the fan-out has read the ledger, by event id (commit order). */
export interface FanoutCursor {
  read(): Promise<number>;
  write(lastEventId: number, now: number): Promise<void>;
}

export function createFanoutCursor(ds: DataSource, name = 'fanout'): FanoutCursor {
  return {
    async read() {
      try {
        const [row] = (await ds.query('SELECT last_event_id FROM delivery_cursor WHERE name = ?', [name])) as Array<Record<string, unknown>>;
        return row ? num(row.last_event_id) : 0;
      } catch (err) {
        throw classifyError(err, 'read the fan-out cursor');
      }
    },
    async write(lastEventId, now) {
      try {
        // GREATEST: a second fan-out that briefly overlapped a new leader never moves it back.
        await ds.query(
          'INSERT INTO delivery_cursor (name, last_event_id, updated_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE last_event_id = GREATEST(last_event_id, VALUES(last_event_id)), updated_at = VALUES(updated_at)',
          [name, lastEventId, now],
        );
      } catch (err) {
        throw classifyError(err, 'write the fan-out cursor');
      }
    },
  };
}
