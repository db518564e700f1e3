import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventProducer, OutboundMessage } from '@hookstream/kafka';
import { createLogger, createRegistry } from '@hookstream/observability';
import { inTransaction, type QueryRunner } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { testDatabase } from '@hookstream/testkit';
import type { GeofenceEventRow } from '../geofence-event.js';
import { insertGeofenceEvents } from '../store/geofence-event-store.js';
import { Location1796212800000 } from '../store/migration.js';
import { createGeofenceStream } from './geofence-stream.js';

/** A broker stand-in that can be told to refuse: the outbox's behaviour under a failed write is the point. */
function switchableProducer() {
  const sent: Array<{ topic: string; messages: OutboundMessage[] }> = [];
  let down = false;
  const producer: EventProducer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    isConnected: () => true,
    async send(topic, messages) {
      if (down) throw Object.assign(new Error('broker unavailable'), { retryable: true });
      sent.push({ topic, messages: [...messages] });
    },
  };
  return { producer, sent, setDown: (v: boolean) => void (down = v) };
}

let store: MigratedStore;
beforeAll(async () => {
  store = await openMigratedStore(await testDatabase('hs_location_stream'), 3, [Location1796212800000]);
});
afterAll(async () => store?.close());

const row = (id: number, over: Partial<GeofenceEventRow> = {}): GeofenceEventRow => ({
  id,
  source: 'radar',
  userId: 'u1',
  geofenceId: 7,
  tag: 'depots',
  externalId: 'd1',
  type: 'user.entered_geofence',
  lat: 50,
  lon: 10,
  occurredAt: 1_000 + id,
  enteredAt: 1_000 + id,
  durationMs: 0,
  locationEventId: id,
  ...over,
});

describe('the geofence stream (outbox on the real database)', () => {
  it('marks what it produced; a failed write stays unmarked and the sweeper produces it later, once', async () => {
    let now = 10_000;
    const kafka = switchableProducer();
    const stream = createGeofenceStream({
      producer: kafka.producer,
      topic: 'geo',
      dataSource: store.ds,
      log: createLogger({ name: 'test', level: 'silent' }),
      now: () => now,
      registry: createRegistry('test', false),
      republishAfterMs: 5_000,
      produceTimeoutMs: 1_000,
    });
    const write = (rows: GeofenceEventRow[]) =>
      inTransaction(store.ds, 'test', { lockWaitTimeoutSec: 5 }, (qr: QueryRunner) => insertGeofenceEvents(qr, rows, now));
    const published = async () =>
      (await store.ds.query('SELECT id, published_at FROM geofence_events ORDER BY id')) as Array<{ id: unknown; published_at: unknown }>;

    await write([row(1), row(2, { userId: 'u2' })]);
    await stream.publish([row(1), row(2, { userId: 'u2' })]);
    expect(kafka.sent.flatMap((s) => s.messages.map((m) => m.key))).toEqual(['radar:u1', 'radar:u2']);
    expect(JSON.parse(String(kafka.sent[0]?.messages[0]?.value))).toMatchObject({
      id: 'gf:7:1001:entered_geofence:radar:u1',
      ledgerId: 1,
      type: 'user.entered_geofence',
    });
    expect((await published()).map((r) => r.published_at === null)).toEqual([false, false]);

    kafka.setDown(true);
    await write([row(3)]);
    // A failed write after commit never fails the batch: the row waits for the sweeper.
    await expect(stream.publish([row(3)])).resolves.toBeUndefined();
    expect((await published()).find((r) => Number(r.id) === 3)?.published_at).toBeNull();

    kafka.setDown(false);
    // Too fresh: the publish after commit may still be in flight elsewhere.
    expect(await stream.sweep()).toBe(0);
    now += 6_000;
    expect(await stream.sweep()).toBe(1);
    expect(kafka.sent.at(-1)?.messages.map((m) => JSON.parse(String(m.value)).ledgerId)).toEqual([3]);
    expect(await stream.sweep()).toBe(0);
    expect((await published()).every((r) => r.published_at !== null)).toBe(true);
  });
});
