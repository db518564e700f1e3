import { checkGeofenceShape, createGeofenceIndex, type GeofenceIndex } from '@hookstream/geo';
import type { Logger } from '@hookstream/observability';
import type { DataSource } from '@hookstream/store';
import { readGeofenceChanges, type ChangePosition, type GeofenceChange } from '../store/geofence-store.js';

export interface GeofenceMeta {
  id: number;
  tag: string;
  externalId: string;
  description: string | null;
}

/**
 * A processor replica's copy of the geofences: the spatial index, keyed by row id, plus each
 * one's tag and externalId. It follows the table's changes in commit order (geofence_seq), so
 * a PUT or DELETE reaches every replica within one refresh interval.
 */
export interface GeofenceCache {
  readonly index: GeofenceIndex;
  meta(id: string): GeofenceMeta | undefined;
  /** Applies every change committed since the last call; returns how many. */
  refresh(): Promise<number>;
  position(): ChangePosition;
}

const PAGE = 5000;

export function createGeofenceCache(ds: DataSource, log: Logger): GeofenceCache {
  const index = createGeofenceIndex();
  const metas = new Map<string, GeofenceMeta>();
  let pos: ChangePosition = { seq: 0, id: 0 };

  const apply = (c: GeofenceChange): void => {
    const id = String(c.id);
    if (c.deleted) {
      index.remove(id);
      metas.delete(id);
      return;
    }
    // Written through the API's validation; a row that fails it now (edited by hand) is left out, loudly.
    const checked = checkGeofenceShape(c.shape);
    if (!checked.ok) {
      log.error({ geofenceId: c.id, tag: c.tag, errors: checked.errors.slice(0, 3) }, 'geofence row has an invalid shape; not matched');
      index.remove(id);
      metas.delete(id);
      return;
    }
    index.upsert(id, checked.shape);
    metas.set(id, { id: c.id, tag: c.tag, externalId: c.externalId, description: c.description });
  };

  return {
    index,
    meta: (id) => metas.get(id),
    position: () => pos,
    async refresh() {
      let applied = 0;
      for (;;) {
        const changes = await readGeofenceChanges(ds, pos, PAGE);
        for (const c of changes) apply(c);
        applied += changes.length;
        const last = changes[changes.length - 1];
        if (last) pos = { seq: last.seq, id: last.id };
        if (changes.length < PAGE) break;
      }
      // A bulk load folds into the tree now rather than on the first location's query.
      if (applied > 1000) index.flush();
      return applied;
    },
  };
}
