import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase } from '@hookstream/testkit';
import { openMigratedStore, type MigratedStore } from '../testing/index.js';
import { inTransaction } from '../write/tx.js';
import { createLedgerReader } from './read.js';
import { reservedIds } from './reservations.js';
import type { LedgerEvent } from './types.js';
import { openLedgerInsert, prepareLedgerRow } from './write.js';

const CHUNKING = { chunkSize: 500, chunkBytes: 1 << 20 };
const event = (key: string): LedgerEvent => ({
  provider: 'toy',
  source: 'toy',
  tenant: 't',
  type: 'toy.thing',
  subject: null,
  eventId: key,
  idempotencyKey: key,
  occurredAt: 1_000,
  receivedAt: 1_000,
  requestId: null,
  raw: { key },
});

/** What a writer's reservation does (ledger/reservations.ts), as an old one: made 0 ms after the epoch. */
const RESERVE_AS_WRITER = `INSERT INTO ledger_reservations (first_id, last_id, connection_id, reserved_at)
  SELECT next_id, next_id + 4, CONNECTION_ID(), 0 FROM event_sequence WHERE id = 1;
  UPDATE event_sequence SET next_id = next_id + 5 WHERE id = 1`;

/** A gate a test opens by hand: lets a writer's transaction stay open while another commits. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('ledger id reservations (real database)', () => {
  let store: MigratedStore;
  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase(), 4);
  });
  afterAll(async () => store?.close());
  beforeEach(async () => {
    await store.ds.query('DELETE FROM events');
    await store.ds.query('DELETE FROM ledger_reservations');
  });

  const write = (keys: string[], before?: Promise<void>) =>
    inTransaction(store.ds, 'test', { lockWaitTimeoutSec: 5, ledgerIds: keys.length }, async (qr) => {
      const ids = await (await openLedgerInsert(qr, CHUNKING)).insert(keys.map((k) => prepareLedgerRow(event(k), 2_000)));
      await before;
      return ids;
    });
  const feed = async () => (await createLedgerReader(store.ds).changes({ afterId: 0, limit: 100 })).map((e) => e.record.eventId);
  const reservations = async () => Number(((await store.ds.query('SELECT COUNT(*) AS n FROM ledger_reservations')) as Array<{ n: unknown }>)[0]?.n);

  it('writers commit side by side; the feed shows a later writer only once every earlier one has committed', async () => {
    const slow = gate();
    const first = write(['a1', 'a2'], slow.wait);
    await expect.poll(reservations).toBe(1);
    // Not blocked by the open transaction (one lock held to commit used to make it wait).
    const second = await write(['b1']);
    expect(await feed()).toEqual([]);
    slow.open();
    const firstIds = await first;
    expect((second[0] as number) > (firstIds[1] as number)).toBe(true);
    expect(await feed()).toEqual(['a1', 'a2', 'b1']);
    expect(await reservations()).toBe(0);
  });

  it('a rolled-back transaction gives its reservation up, and a duplicate is still reported as one', async () => {
    await write(['c1']);
    await expect(
      inTransaction(store.ds, 'test', { lockWaitTimeoutSec: 5, ledgerIds: 1 }, async (qr) => {
        await (await openLedgerInsert(qr, CHUNKING)).insert([prepareLedgerRow(event('c2'), 2_000)]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await reservations()).toBe(0);
    expect(await write(['c1', 'c3', 'c3'])).toEqual([null, expect.any(Number), null]);
    expect(await feed()).toEqual(['c1', 'c3']);
  });

  it('clears the reservation of a connection that is gone, so the feed moves on; a live one stays', async () => {
    const dead = await createConnection({ uri: store.url, multipleStatements: true });
    const [[me]] = (await dead.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];
    await dead.query(RESERVE_AS_WRITER);
    await dead.end();
    // The server lists a closed connection for a moment; the precondition is that it is gone.
    await expect.poll(async () => (await store.ds.query('SELECT ID FROM information_schema.PROCESSLIST WHERE ID = ?', [me.id])).length).toBe(0);
    await write(['d1']);
    expect(await feed()).toEqual(['d1']);

    const live = await createConnection({ uri: store.url, multipleStatements: true });
    try {
      await live.query(RESERVE_AS_WRITER);
      await write(['d2']);
      expect(await reservations()).toBe(1);
      expect(await feed()).toEqual(['d1']);
    } finally {
      await live.end();
    }
  });

  it('fails, storing nothing, when a row written without a reservation took one of its ids', async () => {
    const outcome = inTransaction(store.ds, 'test', { lockWaitTimeoutSec: 5, ledgerIds: 2 }, async (qr) => {
      const taken = reservedIds(qr)?.firstId as number;
      await store.ds.query(
        `INSERT INTO events (id, provider, source, tenant, type, subject, event_id, idempotency_key, occurred_at, received_at, processed_at, request_id, raw)
         VALUES (?, 'toy', 'toy', 't', 'toy.thing', NULL, 'other', 'other', 1, 1, 1, NULL, '{}')`,
        [taken],
      );
      return (await openLedgerInsert(qr, CHUNKING)).insert([prepareLedgerRow(event('e1'), 2_000), prepareLedgerRow(event('e2'), 2_000)]);
    });
    await expect(outcome).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await feed()).toEqual(['other']);
    expect(await reservations()).toBe(0);
  });

  it('runs a transaction that derives more rows than it reserved again, with room for them', async () => {
    let runs = 0;
    const ids = await inTransaction(store.ds, 'test', { lockWaitTimeoutSec: 5, ledgerIds: 1 }, async (qr) => {
      runs++;
      const ledger = await openLedgerInsert(qr, CHUNKING);
      const own = await ledger.insert([prepareLedgerRow(event('f1'), 2_000)]);
      const derived = await ledger.insert(['f2', 'f3'].map((k) => prepareLedgerRow(event(k), 2_000)));
      return [...own, ...derived];
    });
    expect(runs).toBe(2);
    expect(ids).toEqual([expect.any(Number), (ids[0] as number) + 1, (ids[0] as number) + 2]);
    expect(await feed()).toEqual(['f1', 'f2', 'f3']);
    expect(await reservations()).toBe(0);
  });
});
