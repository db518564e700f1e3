import Flatbush from 'flatbush';
import { circleBoxes, type BBox } from './bbox.js';
import { metersOutside, shapeBoxes, shapeContains } from './contains.js';
import type { GeofenceShape } from './types.js';

export interface GeofenceIndex {
  /** Adds or replaces a geofence; visible to the very next query. `shape` must come from parseGeofenceShape. */
  upsert(id: string, shape: GeofenceShape): void;
  /** Removes a geofence; false if there was none. Visible to the very next query. */
  remove(id: string): boolean;
  has(id: string): boolean;
  get(id: string): GeofenceShape | undefined;
  size(): number;
  /** Ids of every geofence containing the point (boundary included), in no particular order. */
  containing(lon: number, lat: number): string[];
  /** Ids of every geofence containing the point or at most `marginM` meters from it (exit hysteresis). */
  near(lon: number, lat: number, marginM: number): string[];
  /** Folds pending changes into the static tree now, e.g. after a start-up load, so the first query does not pay for it. */
  flush(): void;
}

export interface GeofenceIndexOptions {
  /** Pending changes (overlay boxes + dead tree entries) tolerated before the tree is rebuilt; default max(128, 2·√size). */
  rebuildAfter?: (size: number) => number;
}

/** One version of one geofence: replaced on upsert, never reshaped; only its bookkeeping flags change. */
interface Entry {
  readonly id: string;
  readonly shape: GeofenceShape;
  readonly boxes: readonly BBox[];
  live: boolean;
  inTree: boolean;
  mark: number;
}

const defaultRebuildAfter = (size: number): number => Math.max(128, Math.ceil(2 * Math.sqrt(size)));

/**
 * An in-memory geofence index: a static Flatbush packed R-tree over every geofence's boxes,
 * plus a small dynamic overlay.
 *
 * Why an overlay rather than only a lazy rebuild: Flatbush cannot change once built, and
 * rebuilding 100,000 boxes costs tens of milliseconds. Rebuilding on every upsert would make a
 * bulk import quadratic; rebuilding only "later" would hide a fresh geofence from the locations
 * that arrive meanwhile. So an upsert goes to the overlay (a flat array of boxes scanned linearly:
 * cheap while small) and the replaced version is only marked dead in the tree (skipped when found). Once
 * overlay plus dead entries exceed rebuildAfter(size), the next query rebuilds the tree: an
 * import of n geofences without queries in between costs one build, and with interleaved traffic
 * the √n threshold balances the overlay scan (O(√n) per query) against rebuild cost (O(n log n)
 * per √n changes).
 */
export function createGeofenceIndex(options: GeofenceIndexOptions = {}): GeofenceIndex {
  const rebuildAfter = options.rebuildAfter ?? defaultRebuildAfter;
  const entries = new Map<string, Entry>();
  let tree: Flatbush | null = null;
  let treeOwners: Entry[] = [];
  let deadInTree = 0;
  // The overlay, flat: box k of the pending entries is overlayBoxes[4k..4k+3], owned by
  // overlayOwners[k]. A pending entry replaced before the rebuild stays, marked dead.
  let overlayBoxes: number[] = [];
  let overlayOwners: Entry[] = [];
  let queryMark = 0;

  const rebuild = (): void => {
    let boxes = 0;
    for (const e of entries.values()) boxes += e.boxes.length;
    treeOwners = new Array<Entry>(boxes);
    const built = boxes === 0 ? null : new Flatbush(boxes);
    for (const e of entries.values()) {
      if (built) for (const b of e.boxes) treeOwners[built.add(b.minLon, b.minLat, b.maxLon, b.maxLat)] = e;
      e.inTree = true;
    }
    built?.finish();
    tree = built;
    overlayBoxes = [];
    overlayOwners = [];
    deadInTree = 0;
  };

  const pending = (): number => overlayOwners.length + deadInTree;

  /** Ids of the live geofences whose box meets one of `queries` and that pass `test`. */
  const search = (queries: readonly BBox[], test: (shape: GeofenceShape) => boolean): string[] => {
    if (pending() > rebuildAfter(entries.size)) rebuild();
    const mark = ++queryMark;
    const out: string[] = [];
    const visit = (e: Entry | undefined): false => {
      // `mark` dedupes a geofence met twice: two boxes (antimeridian) or two query boxes.
      if (e && e.live && e.mark !== mark) {
        e.mark = mark;
        if (test(e.shape)) out.push(e.id);
      }
      // Always false: the filter does the work, so Flatbush builds no result array.
      return false;
    };
    for (const q of queries) {
      tree?.search(q.minLon, q.minLat, q.maxLon, q.maxLat, (i) => visit(treeOwners[i]));
      const ob = overlayBoxes;
      for (let k = 0, j = 0; k < overlayOwners.length; k++, j += 4) {
        if ((ob[j] as number) <= q.maxLon && (ob[j + 1] as number) <= q.maxLat && (ob[j + 2] as number) >= q.minLon && (ob[j + 3] as number) >= q.minLat)
          visit(overlayOwners[k]);
      }
    }
    return out;
  };

  const retire = (entry: Entry | undefined): void => {
    if (!entry) return;
    entry.live = false;
    if (entry.inTree) deadInTree++;
  };

  const containing = (lon: number, lat: number): string[] =>
    search([{ minLon: lon, minLat: lat, maxLon: lon, maxLat: lat }], (shape) => shapeContains(shape, lon, lat));

  return {
    upsert(id, shape) {
      retire(entries.get(id));
      const entry: Entry = { id, shape, boxes: shapeBoxes(shape), live: true, inTree: false, mark: 0 };
      entries.set(id, entry);
      for (const b of entry.boxes) {
        overlayBoxes.push(b.minLon, b.minLat, b.maxLon, b.maxLat);
        overlayOwners.push(entry);
      }
    },
    remove(id) {
      const entry = entries.get(id);
      if (!entry) return false;
      retire(entry);
      entries.delete(id);
      return true;
    },
    has: (id) => entries.has(id),
    get: (id) => entries.get(id)?.shape,
    size: () => entries.size,
    containing,
    near(lon, lat, marginM) {
      if (!(marginM > 0)) return containing(lon, lat);
      // The query is the cap of radius marginM around the point, boxed like a circle geofence.
      return search(circleBoxes([lon, lat], marginM), (shape) => metersOutside(shape, lon, lat) <= marginM);
    },
    flush() {
      if (pending() > 0) rebuild();
    },
  };
}
