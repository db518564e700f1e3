import type { EventProducer } from '@hookstream/kafka';
import type { Logger, Registry } from '@hookstream/observability';
import { Counter } from '@hookstream/observability';
import type { DataSource } from '@hookstream/store';
import { geofenceEventJson, type GeofenceEventRow } from '../geofence-event.js';
import { userKafkaKey } from '../keys.js';
import { markPublished, readUnpublished } from '../store/geofence-event-store.js';

export interface GeofenceStream {
  /** Produces committed events (acks=all) and marks them published; a failure is logged and left to sweep(). */
  publish(rows: readonly GeofenceEventRow[]): Promise<void>;
  /** Produces what an earlier publish did not finish; returns how many. */
  sweep(): Promise<number>;
}

export interface GeofenceStreamDeps {
  producer: EventProducer;
  topic: string;
  dataSource: DataSource;
  log: Logger;
  now: () => number;
  registry: Registry;
  republishAfterMs: number;
  produceTimeoutMs: number;
}

/**
 * The geofence events' stream, as a transactional outbox: the table row is written with the
 * state change (exactly once), the message after commit, and `published_at` marks it done. A
 * crash or broker outage in between leaves the row unmarked and sweep() produces it again, so
 * the stream is at least once; each message carries its stable id (`gf:…`) to dedupe by. Keys
 * are the user, so one user's events stay in order (a swept one may follow newer ones).
 */
export function createGeofenceStream(deps: GeofenceStreamDeps): GeofenceStream {
  const produced = new Counter({
    name: 'hookstream_location_geofence_events_produced_total',
    help: 'Geofence events produced to the stream, by path (after commit, or by the sweeper)',
    labelNames: ['path'],
    registers: [deps.registry],
  });
  const failed = new Counter({
    name: 'hookstream_location_geofence_publish_failures_total',
    help: 'Geofence stream writes that failed (retried by the sweeper)',
    registers: [deps.registry],
  });

  const send = async (rows: readonly GeofenceEventRow[], path: 'commit' | 'sweep'): Promise<void> => {
    if (rows.length === 0) return;
    const messages = rows.map((r) => ({ key: userKafkaKey(r.source, r.userId), value: Buffer.from(JSON.stringify(geofenceEventJson(r)), 'utf8') }));
    await deps.producer.send(deps.topic, messages, deps.produceTimeoutMs);
    await markPublished(
      deps.dataSource,
      rows.map((r) => r.id),
      deps.now(),
    );
    produced.inc({ path }, rows.length);
  };

  return {
    async publish(rows) {
      try {
        await send(rows, 'commit');
      } catch (err) {
        failed.inc();
        deps.log.warn({ err, events: rows.length }, 'geofence events not yet on the stream; the sweeper will produce them');
      }
    },
    async sweep() {
      const rows = await readUnpublished(deps.dataSource, deps.now() - deps.republishAfterMs, 500);
      await send(rows, 'sweep');
      return rows.length;
    },
  };
}
