import type { DataSource } from 'typeorm';
import { classifyError } from '@hookstream/store';
import { checkLimit } from '@hookstream/store';
import { num } from '@hookstream/store';
import { STATE_COLUMNS, stateFromRow } from '../rows.js';
import { eventFromRow } from './map.js';
import {
  associationFromRow,
  buildAssociationsQuery,
  buildLifecycleChangesQuery,
  buildLifecycleSnapshotsQuery,
  buildSubscriptionTypeStatsQuery,
  lifecycleHistory,
} from './relations.js';
import { buildByIdsQuery, buildChangesQuery, buildListQuery, buildTimelineQuery, type Sql } from './sql.js';
import type { ObjectRef, ObjectState } from '../types.js';
import type { EventReader } from './types.js';

export function createEventReader(ds: DataSource): EventReader {
  const run = async (what: string, { sql, params }: Sql): Promise<Array<Record<string, unknown>>> => {
    try {
      return (await ds.query(sql, params)) as Array<Record<string, unknown>>;
    } catch (err) {
      throw classifyError(err, what);
    }
  };

  const objectState = async (ref: ObjectRef): Promise<ObjectState | undefined> => {
    const rows = await run('read object state', {
      sql: `SELECT ${STATE_COLUMNS} FROM object_state WHERE portal_id = ? AND object_type = ? AND object_id = ?`,
      params: [ref.portalId, ref.objectType, ref.objectId],
    });
    return rows[0] ? stateFromRow(rows[0]) : undefined;
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
    async byIds(ids) {
      if (ids.length === 0) return [];
      return (await run('read events', buildByIdsQuery(ids))).map(eventFromRow);
    },
    objectState,
    async timeline(ref, q) {
      checkLimit(q.limit);
      return (await run('read timeline', buildTimelineQuery(ref, q))).map(eventFromRow);
    },
    async associations(ref, q) {
      checkLimit(q.limit);
      return (await run('read associations', buildAssociationsQuery(ref, q))).map(associationFromRow);
    },
    async lifecycle(ref) {
      const state = await objectState(ref);
      if (!state) return undefined;
      if (state.privacyDeletedAt !== null) return [];
      const [changes, snapshots] = [
        await run('read lifecycle', buildLifecycleChangesQuery(ref)),
        await run('read lifecycle', buildLifecycleSnapshotsQuery(ref)),
      ];
      return lifecycleHistory(changes, snapshots);
    },
    async subscriptionTypeStats(q) {
      const rows = await run('read subscription type stats', buildSubscriptionTypeStatsQuery(q));
      return rows.map((r) => ({
        subscriptionType: String(r.subscription_type),
        events: num(r.n),
        firstOccurredAt: num(r.first_at),
        lastOccurredAt: num(r.last_at),
      }));
    },
  };
}
