import type { DueDelivery } from '@hookstream/deliveries';
import { partitionForKey } from '@hookstream/kafka';
import { createLane, type Lane, type LaneDeps } from './lane.js';

/**
 * The lanes of the endpoints this replica owns: those whose key hashes to a partition of the
 * deliveries topic assigned to it. Ownership follows the consumer group, so replicas split the
 * endpoints the way processors split objects, and a rebalance hands endpoints over.
 */
export interface LaneSet {
  /** The partitions now assigned; lanes of endpoints that moved away stop. */
  assign(partitions: readonly number[]): Promise<void>;
  owns(endpointId: string): boolean;
  /** `rescan`: the endpoint changed elsewhere (re-enabled, retried): look for everything pending. */
  kick(endpointId: string, rescan?: boolean): void;
  /** New deliveries of an endpoint, due now and known to be pending. */
  offer(endpointId: string, rows: readonly DueDelivery[]): void;
  kickAll(): void;
  stop(): Promise<void>;
  size(): number;
  inFlight(): number;
}

export function createLaneSet(d: LaneDeps & { numPartitions: number; knownEndpoints: () => string[] }): LaneSet {
  const lanes = new Map<string, Lane>();
  /** Lanes handed over or stopped whose attempts in flight have not been recorded yet. */
  const stopping = new Set<Promise<void>>();
  let owned = new Set<number>();
  const retire = (lane: Lane): Promise<void> => {
    const p = lane.stop().finally(() => stopping.delete(p));
    stopping.add(p);
    return p;
  };
  const owns = (id: string): boolean => owned.has(partitionForKey(id, d.numPartitions));
  const laneOf = (id: string): Lane | undefined => {
    if (!owns(id)) return undefined;
    let lane = lanes.get(id);
    if (!lane) {
      lane = createLane(id, d);
      lanes.set(id, lane);
    }
    return lane;
  };
  return {
    async assign(partitions) {
      owned = new Set(partitions);
      const leaving = [...lanes].filter(([id]) => !owns(id));
      for (const [id] of leaving) lanes.delete(id);
      await Promise.all(leaving.map(([, lane]) => retire(lane)));
      // A new owner starts every endpoint it took over: their pending deliveries are in the database.
      for (const id of d.knownEndpoints()) laneOf(id)?.kick();
    },
    owns,
    kick: (id, rescan) => laneOf(id)?.kick(rescan),
    offer: (id, rows) => laneOf(id)?.offer(rows),
    kickAll() {
      for (const id of d.knownEndpoints()) laneOf(id)?.kick();
    },
    async stop() {
      const all = [...lanes.values()];
      lanes.clear();
      owned = new Set();
      all.forEach(retire);
      // Includes lanes a rebalance retired just before: their results must be written before the pool closes.
      await Promise.all([...stopping]);
    },
    size: () => lanes.size,
    inFlight: () => [...lanes.values()].reduce((n, l) => n + l.inFlight(), 0),
  };
}
