import { geofencesAt, nextPresence } from '@hookstream/geo';
import type { ProcessStep } from '@hookstream/pipeline';
import { inTransaction, openLedgerInsert, prepareLedgerRow, type DataSource } from '@hookstream/store';
import type { GeofenceEventRow } from '../geofence-event.js';
import { BatchState } from './batch-state.js';
import type { LocationMessage } from './decode.js';
import { decodeLocationMessage } from './decode.js';
import type { GeofenceCache } from './geofence-cache.js';
import type { GeofenceStream } from './geofence-stream.js';

const CHUNKING = { chunkSize: 500, chunkBytes: 4 * 1024 * 1024 };

export interface LocationStepDeps {
  dataSource: DataSource;
  geofences: GeofenceCache;
  stream: GeofenceStream;
  /** Resolves once the geofences are loaded: no location is matched against a half-read set. */
  ready: () => Promise<void>;
  now: () => number;
  dwellMs: number | null;
  exitMarginM: number;
}

/**
 * A batch in one transaction: the ledger rows first (a copy of a stored event gets no id and
 * changes nothing), then, for the new events in partition order, the users' rows, tracks,
 * trips and geofence presence, and the geofence events those caused, each also a ledger row.
 * The users' rows are locked before anything is read, so two replicas (during a rebalance)
 * serialise per user. After commit, the geofence events go to their stream.
 */
export function locationStep(deps: LocationStepDeps): ProcessStep<LocationMessage, undefined> {
  return {
    decode: decodeLocationMessage,
    async persist(events) {
      await deps.ready();
      const at = deps.now();
      const rows = events.map((e) => prepareLedgerRow(e.ledger, at));
      const { inserted, derived } = await inTransaction(
        deps.dataSource,
        'persist location',
        { lockWaitTimeoutSec: 10, ledgerIds: derivedRoom(rows.length) },
        async (qr) => {
          const ledger = await openLedgerInsert(qr, CHUNKING);
          const ids = await ledger.insert(rows);
          const fresh = events.flatMap((e, i) => (ids[i] == null ? [] : [{ e, ledgerId: ids[i] as number }]));
          if (fresh.length === 0) return { inserted: 0, derived: [] as GeofenceEventRow[] };
          const state = await BatchState.load(
            qr,
            fresh.map((f) => f.e),
          );
          for (const { e, ledgerId } of fresh) {
            const located = state.apply(e, ledgerId, at);
            if (!located) continue;
            const { key, presence, observation } = located;
            const result = nextPresence(
              presence,
              observation,
              geofencesAt(deps.geofences.index, observation.lon, observation.lat, { exitMarginM: deps.exitMarginM }),
              {
                dwellMs: deps.dwellMs,
              },
            );
            state.presenceChanged(key, result, e, ledgerId, (id) => deps.geofences.meta(id));
          }
          const derivedRows = await state.insertDerived(ledger, at);
          await state.write(qr, at);
          return { inserted: fresh.length, derived: derivedRows };
        },
      );
      await deps.stream.publish(derived);
      return { inserted, duplicates: events.length - inserted };
    },
  };
}

/**
 * Ids to reserve for a batch: its own rows and room for the geofence events they may cause (most
 * cause none). A batch that causes more runs again with enough (inTransaction).
 */
const derivedRoom = (rows: number): number => 2 * rows + 8;
