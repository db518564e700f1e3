import { testDatabase, type TestDatabase } from '@hookstream/testkit';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, MIGRATIONS, runMigrations } from '@hookstream/store';
import { createEventReader } from './read/event-reader.js';
import type { EventReader, StoredEvent } from './read/types.js';
import { makeEvent } from './testing/fixtures.js';
import { insertPreLedgerRows, preLedgerChecksum, preLedgerValues, selectPreLedgerRows, storedEventOf, type PreLedgerRow } from './testing/pre-ledger.js';
import { createEventWriter } from './write/event-writer.js';
import type { NewEvent } from './write/types.js';

const PRE_LEDGER = MIGRATIONS.slice(
  0,
  MIGRATIONS.findIndex((M) => new M().name === 'Ledger1796113765490'),
);
const A = 62515;
const B = 880011;
const T = 1_760_000_000_000;
const CUSTOM = '2-143967026';
const MAX_ID = Number.MAX_SAFE_INTEGER;

/**
 * What a production database held before the upgrade, in insertion (= id) order. occurredAt is
 * deliberately not in that order, and two rows share one, so time-ordered pages differ from id
 * order and split inside a run of equal times.
 */
const OLD: Array<{ e: NewEvent; claim?: string }> = [
  { e: makeEvent({ portalId: A, eventId: 101, objectId: 123, occurredAt: T + 40_000, receivedAt: T + 40_500, requestId: 'req-a1' }) },
  {
    e: makeEvent({
      portalId: A,
      eventId: 102,
      subscriptionType: 'deal.creation',
      objectType: 'deal',
      objectTypeId: '0-3',
      objectId: 555,
      occurredAt: T + 10_000,
      receivedAt: T + 10_400,
      changeFlag: 'CREATED',
      propertyName: null,
      propertyValue: null,
      enrichmentState: 'enriched',
      enrichmentAttempts: 1,
      enrichment: { id: '555', properties: { dealname: 'Renewal 2026', amount: '1200.50' }, createdAt: '2025-10-09T08:00:00Z', archived: false },
    }),
  },
  {
    e: makeEvent({
      portalId: A,
      eventId: 103,
      subscriptionType: 'object.propertyChange',
      objectType: CUSTOM,
      objectTypeId: CUSTOM,
      objectId: 77,
      occurredAt: T + 25_000,
      receivedAt: T + 25_300,
      propertyName: 'tier',
      propertyValue: 'gold',
    }),
  },
  // No app id (a private app's webhook) and an object id at the edge of what the reader can return exactly.
  {
    e: makeEvent({
      portalId: B,
      appId: null,
      eventId: 201,
      objectId: MAX_ID,
      occurredAt: T + 5_000,
      receivedAt: T + 5_200,
      propertyName: 'firstname',
      propertyValue: 'Zoë 😀 日本語',
      raw: { objectId: MAX_ID, propertyName: 'firstname', propertyValue: 'Zoë 😀 日本語', note: 'tab\tquote" \\ ünïcødé' },
    }),
  },
  {
    e: makeEvent({
      portalId: A,
      eventId: 104,
      objectId: 123,
      occurredAt: T + 20_000,
      receivedAt: T + 20_100,
      propertyName: 'lifecyclestage',
      propertyValue: 'customer',
    }),
  },
  {
    e: makeEvent({
      portalId: B,
      eventId: 202,
      subscriptionType: 'contact.creation',
      objectId: 42,
      occurredAt: T + 30_000,
      receivedAt: T + 30_600,
      changeFlag: 'CREATED',
      propertyName: null,
      propertyValue: null,
      enrichmentState: 'pending',
      enrichmentAttempts: 2,
      enrichmentError: 'HubSpot 429 Too Many Requests',
      enrichmentNextAt: T + 90_000,
    }),
  },
  {
    e: makeEvent({
      portalId: A,
      subscriptionId: 0,
      eventId: 105,
      subscriptionType: 'contact.deletion',
      objectId: 124,
      occurredAt: T + 10_000,
      receivedAt: T + 10_900,
      changeFlag: 'DELETED',
      propertyName: null,
      propertyValue: null,
    }),
  },
  {
    e: makeEvent({
      portalId: A,
      eventId: 106,
      subscriptionType: 'deal.propertyChange',
      objectType: 'deal',
      objectTypeId: '0-3',
      objectId: 555,
      occurredAt: T + 10_000,
      receivedAt: T + 11_000,
      propertyName: 'amount',
      propertyValue: '1300',
      enrichmentState: 'not_found',
      enrichmentAttempts: 3,
      enrichmentError: 'object not found',
    }),
  },
  // HubSpot's eventId is unique per object only: a batch may reuse 101 for another contact.
  { e: makeEvent({ portalId: A, eventId: 101, objectId: 125, occurredAt: T + 40_000, receivedAt: T + 40_500, requestId: 'req-a1' }) },
  {
    e: makeEvent({ portalId: B, eventId: 203, objectId: 43, occurredAt: T + 35_000, receivedAt: T + 35_100, enrichmentState: 'pending' }),
    claim: '6f1c2d3e-4b5a-4c6d-8e7f-901234567890',
  },
];

/** Contact 123 of portal A as the old writer left it (object_state is not touched by the migration). */
const STATE = {
  portal_id: A,
  object_type: 'contact',
  object_id: 123,
  properties: '{"email":"ada@example.com","lifecyclestage":"customer"}',
  property_versions: `{"email":${T + 40_000},"lifecyclestage":${T + 20_000}}`,
  archived: 0,
  archived_version: 0,
  merged_into_object_id: null,
  merged_version: T + 1_000,
  created_at: T,
  last_event_at: T + 40_000,
  snapshot_at: null,
  updated_at: T + 41_000,
  merged_object_ids: '[99]',
  privacy_deleted_at: null,
};

const byTime = (a: StoredEvent, b: StoredEvent): number => a.occurredAt - b.occurredAt || a.id - b.id;
/** Pages of 3 as a reader hands them out: the last one is short (empty when the total is a multiple of 3). */
const pagesOf3 = <T>(xs: T[]): T[][] => Array.from({ length: Math.floor(xs.length / 3) + 1 }, (_, i) => xs.slice(3 * i, 3 * i + 3));

/** Reads pages of 3 until a short one, each page continuing from the last event of the previous. */
async function readPages(read: (last: StoredEvent | undefined) => Promise<StoredEvent[]>): Promise<StoredEvent[][]> {
  const pages: StoredEvent[][] = [];
  let last: StoredEvent | undefined;
  for (;;) {
    const page = await read(last);
    pages.push(page);
    if (page.length < 3) return pages;
    last = page[2];
  }
}
const after = (last: StoredEvent | undefined) => (last ? { after: { occurredAt: last.occurredAt, id: last.id } } : {});

describe('Ledger migration on a database holding pre-ledger rows (real database)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let reader: EventReader;
  let inserted: PreLedgerRow[];
  let expected: StoredEvent[];
  let oldRows: PreLedgerRow[];
  let oldSum: { n: number; sum: string };
  let applied: string[];

  beforeAll(async () => {
    db = await testDatabase();
    // The schema as it stood before the ledger: the same DataSource settings, fewer migrations.
    const old = new DataSource({ ...createDataSource({ url: db.url, poolSize: 2 }).options, migrations: PRE_LEDGER } as DataSourceOptions);
    await old.initialize();
    try {
      expect(await runMigrations(old)).toEqual(PRE_LEDGER.map((M) => new M().name));
      inserted = await insertPreLedgerRows(
        old,
        OLD.map(({ e, claim }, i) => preLedgerValues(e, e.receivedAt + 100 + i, claim ?? null)),
      );
      const cols = Object.keys(STATE);
      await old.query(`INSERT INTO object_state (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, Object.values(STATE));
      oldRows = await selectPreLedgerRows(old, 'events');
      oldSum = await preLedgerChecksum(old, 'events');
    } finally {
      await old.destroy();
    }
    expected = inserted.map(storedEventOf);
    ds = createDataSource({ url: db.url, poolSize: 3 });
    await ds.initialize();
    applied = await runMigrations(ds);
    reader = createEventReader(ds);
  });

  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  it('starts from old rows that read back as inserted, then applies the Ledger migration and the ones after it', () => {
    expect(new Set(inserted.map((r) => r.id)).size).toBe(OLD.length);
    expect(oldRows.map(storedEventOf)).toEqual(expected);
    expect(oldSum.n).toBe(OLD.length);
    expect(applied[0]).toBe('Ledger1796113765490');
    expect(applied).toEqual(MIGRATIONS.slice(PRE_LEDGER.length).map((M) => new M().name));
  });

  it('the hubspot_event_rows view shows every old row, column by column, unchanged', async () => {
    expect(await selectPreLedgerRows(ds, 'hubspot_event_rows')).toEqual(oldRows);
    expect(await preLedgerChecksum(ds, 'hubspot_event_rows')).toEqual(oldSum);
  });

  it('the reader answers each old row, by its old id, with what its old columns mean, in the same order and pages', async () => {
    const asc = [...expected].sort(byTime);
    expect(await readPages((last) => reader.list({ order: 'asc', limit: 3, ...after(last) }))).toEqual(pagesOf3(asc));
    expect(await readPages((last) => reader.list({ order: 'desc', limit: 3, ...after(last) }))).toEqual(pagesOf3([...asc].reverse()));
    for (const portalId of [A, B]) {
      const mine = asc.filter((e) => e.portalId === portalId);
      expect(await readPages((last) => reader.list({ portalId, order: 'asc', limit: 3, ...after(last) }))).toEqual(pagesOf3(mine));
    }
    expect(await reader.list({ objectType: CUSTOM, order: 'asc', limit: 10 })).toEqual(asc.filter((e) => e.objectType === CUSTOM));
    expect(await reader.list({ objectId: MAX_ID, order: 'asc', limit: 10 })).toEqual(asc.filter((e) => e.objectId === MAX_ID));

    const contact = { portalId: A, objectType: 'contact', objectId: 123 };
    const timeline = asc.filter((e) => e.portalId === A && e.objectType === 'contact' && e.objectId === 123);
    expect(timeline).toHaveLength(2);
    expect(await readPages((last) => reader.timeline(contact, { order: 'asc', limit: 3, ...after(last) }))).toEqual(pagesOf3(timeline));

    expect(await readPages((last) => reader.changes({ afterId: last?.id ?? 0, limit: 3 }))).toEqual(pagesOf3(expected));
    expect(await readPages((last) => reader.changes({ portalId: B, afterId: last?.id ?? 0, limit: 3 }))).toEqual(
      pagesOf3(expected.filter((e) => e.portalId === B)),
    );
  });

  it('fills the ledger columns from the HubSpot ones', async () => {
    const rows = await ds.query(
      'SELECT id, provider, source, tenant, type, subject, event_id, CAST(idempotency_key AS CHAR) AS idempotency_key FROM events ORDER BY id',
    );
    expect(rows).toEqual(
      inserted.map((r) => ({
        id: r.id,
        provider: 'hubspot',
        source: 'hubspot',
        tenant: String(r.portal_id),
        type: r.subscription_type,
        subject: `${String(r.object_type)}:${String(r.object_id)}`,
        event_id: String(r.event_id),
        idempotency_key: `${String(r.portal_id)}:${String(r.subscription_id)}:${String(r.event_id)}:${String(r.occurred_at)}:${String(r.object_id)}`,
      })),
    );
    expect(rows.find((r: { id: number }) => r.id === inserted[3]?.id)).toMatchObject({
      tenant: String(B),
      subject: `contact:${MAX_ID}`,
      idempotency_key: `${B}:2000001:201:${T + 5_000}:${MAX_ID}`,
    });
  });

  it('keeps object state as it was', async () => {
    expect(await reader.objectState({ portalId: A, objectType: 'contact', objectId: 123 })).toEqual({
      portalId: A,
      objectType: 'contact',
      objectId: 123,
      properties: { email: 'ada@example.com', lifecyclestage: 'customer' },
      propertyVersions: { email: T + 40_000, lifecyclestage: T + 20_000 },
      archived: false,
      archivedVersion: 0,
      mergedIntoObjectId: null,
      mergedVersion: T + 1_000,
      createdAt: T,
      lastEventAt: T + 40_000,
      snapshotAt: null,
      mergedObjectIds: [99],
      privacyDeletedAt: null,
    });
    expect(await ds.query('SELECT email, lifecyclestage FROM contacts WHERE portal_id = ? AND object_id = 123', [A])).toEqual([
      { email: 'ada@example.com', lifecyclestage: 'customer' },
    ]);
  });

  it('a redelivery of an old event is a duplicate; a new event gets the next id and the changes feed goes on', async () => {
    const writer = createEventWriter(ds);
    const now = T + 100_000;
    // HubSpot retries with a higher attemptNumber, which is not part of the event's identity.
    for (const { e } of OLD)
      expect(await writer.persist({ events: [{ ...e, attemptNumber: e.attemptNumber + 1, receivedAt: now }], state: [], now })).toEqual({
        inserted: 0,
        duplicates: 1,
        ids: [null],
      });
    expect(await preLedgerChecksum(ds, 'hubspot_event_rows')).toEqual(oldSum);

    // Earlier than every old event: its id, not its time, is what puts it after them in the feed.
    const fresh = makeEvent({ portalId: A, eventId: 107, objectId: 123, occurredAt: T, receivedAt: now });
    const stored = await writer.persist({ events: [fresh], state: [], now });
    expect(stored).toMatchObject({ inserted: 1, duplicates: 0 });
    const maxOld = Math.max(...inserted.map((r) => r.id as number));
    const [next, ...rest] = await reader.changes({ afterId: maxOld, limit: 10 });
    expect(rest).toEqual([]);
    expect(next).toMatchObject({ portalId: A, eventId: 107, objectId: 123, occurredAt: T, processedAt: now, raw: fresh.raw });
    expect(stored.ids).toEqual([next?.id]);
    expect(next?.id).toBeGreaterThan(maxOld);

    expect(await reader.changes({ afterId: 0, limit: 1000 })).toEqual([...expected, next]);
    expect((await reader.timeline({ portalId: A, objectType: 'contact', objectId: 123 }, { order: 'asc', limit: 10 })).map((e) => e.eventId)).toEqual([
      107, 104, 101,
    ]);
  });
});
