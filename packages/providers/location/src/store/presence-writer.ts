import type { PresenceState } from '@hookstream/geo';
import type { QueryRunner } from '@hookstream/store';
import { bySource, num, placeholders, rowsOf } from './sql.js';
import { userKeyString, type UserKey } from './user-writer.js';

/** Per user (userKeyString), its states by geofence id (the geofences row id, as a string). */
export type PresenceByUser = Map<string, Map<string, PresenceState>>;

/** Read under the users' row locks (taken first), so no other batch changes them meanwhile. */
export async function loadPresence(qr: QueryRunner, keys: readonly UserKey[]): Promise<PresenceByUser> {
  const out: PresenceByUser = new Map();
  for (const [source, list] of bySource(keys)) {
    const rows = (await qr.query(
      `SELECT user_id, geofence_id, inside, since, dwell_emitted FROM geofence_presence WHERE source = ? AND user_id IN ${placeholders(list.length)}`,
      [source, ...list.map((k) => k.userId)],
    )) as Array<Record<string, unknown>>;
    for (const r of rows) {
      const key = userKeyString({ source, userId: String(r.user_id) });
      const states = out.get(key) ?? new Map<string, PresenceState>();
      states.set(String(r.geofence_id), { inside: num(r.inside) === 1, since: num(r.since), dwellEmitted: num(r.dwell_emitted) === 1 });
      out.set(key, states);
    }
  }
  return out;
}

export interface PresenceChange {
  key: UserKey;
  geofenceId: string;
  /** null: the row goes (outside, or the geofence is gone). */
  state: PresenceState | null;
}

/**
 * Only "inside" is worth a row: an outside state is the same as none (see PresenceState), so
 * an exit deletes the row and the table stays as small as the users currently inside.
 */
export async function writePresence(qr: QueryRunner, changes: readonly PresenceChange[]): Promise<void> {
  const keep = changes.filter((c) => c.state?.inside === true);
  const drop = changes.filter((c) => c.state?.inside !== true);
  for (const [source, list] of bySource(drop.map((c) => ({ source: c.key.source, c })))) {
    await qr.query(`DELETE FROM geofence_presence WHERE source = ? AND (user_id, geofence_id) IN (${list.map(() => '(?, ?)').join(', ')})`, [
      source,
      ...list.flatMap(({ c }) => [c.key.userId, c.geofenceId]),
    ]);
  }
  if (keep.length === 0) return;
  await qr.query(
    `INSERT INTO geofence_presence (source, user_id, geofence_id, inside, since, dwell_emitted) VALUES ${rowsOf(keep.length, 6)}
     ON DUPLICATE KEY UPDATE inside = VALUES(inside), since = VALUES(since), dwell_emitted = VALUES(dwell_emitted)`,
    keep.flatMap((c) => [c.key.source, c.key.userId, c.geofenceId, 1, c.state?.since ?? 0, c.state?.dwellEmitted ? 1 : 0]),
  );
}
