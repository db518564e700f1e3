import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvent } from '../testing/fixtures.js';
import { testDatabase } from '@hookstream/testkit';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { createEventWriter } from '../write/event-writer.js';
import type { NewEvent } from '../write/types.js';
import { createEventReader } from './event-reader.js';
import { buildChangesQuery, buildListQuery, buildTimelineQuery, type Sql } from './sql.js';
import type { EventQuery, EventReader, StoredEvent } from './types.js';

const TYPES = ['contact.propertyChange', 'deal.creation', 'company.deletion'] as const;

/** Pages through `list` with keyset positions until a short page. */
async function pageAll(reader: EventReader, q: Omit<EventQuery, 'after'>): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let after: EventQuery['after'];
  for (;;) {
    const page = await reader.list({ ...q, ...(after ? { after } : {}) });
    out.push(...page);
    const last = page[page.length - 1];
    if (page.length < q.limit || !last) return out;
    after = { occurredAt: last.occurredAt, id: last.id };
  }
}

const key = (e: { occurredAt: number; id: number }): [number, number] => [e.occurredAt, e.id];
const cmp = (a: StoredEvent, b: StoredEvent): number => a.occurredAt - b.occurredAt || a.id - b.id;

describe('event reader (real database)', () => {
  let store: MigratedStore;
  let ds: DataSource;
  let reader: EventReader;
  let all: StoredEvent[];

  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase());
    ds = store.ds;
    reader = createEventReader(ds);
    const writer = createEventWriter(ds);
    let n = 0;
    // Few distinct occurredAt values so that pages split inside runs of equal times; inserted
    // out of time order so that id order differs from occurred_at order.
    for (let batch = 0; batch < 6; batch++) {
      const events: NewEvent[] = [];
      for (let i = 0; i < 400; i++, n++) {
        const type = TYPES[n % 3] as (typeof TYPES)[number];
        events.push(
          makeEvent({
            eventId: n + 1,
            portalId: 100 + (n % 4),
            objectType: type.split('.')[0] as string,
            objectId: 1 + ((n * 7) % 23),
            subscriptionType: type,
            occurredAt: 1_700_000_000_000 + ((n * 37) % 41) * 1000,
          }),
        );
      }
      await writer.persist({ events, state: [], now: 1 });
    }
    await ds.query('ANALYZE TABLE events');
    all = await reader.changes({ afterId: 0, limit: 10_000 });
  });

  afterAll(async () => {
    await store?.close();
  });

  it('returns every event exactly once, in (occurred_at, id) order, paging forwards and backwards', async () => {
    expect(all).toHaveLength(2400);
    const asc = [...all].sort(cmp);
    for (const limit of [37, 400, 1000]) {
      expect((await pageAll(reader, { order: 'asc', limit })).map(key)).toEqual(asc.map(key));
      expect((await pageAll(reader, { order: 'desc', limit })).map(key)).toEqual([...asc].reverse().map(key));
    }
    // Page size 1 on one object's events: every boundary falls between equal or adjacent times.
    const one = asc.filter((e) => e.portalId === 101 && e.objectType === 'deal' && e.objectId === 5);
    expect(one.length).toBeGreaterThan(3);
    const oneQuery = { portalId: 101, objectType: 'deal', objectId: 5, limit: 1 };
    expect((await pageAll(reader, { ...oneQuery, order: 'asc' })).map(key)).toEqual(one.map(key));
    expect((await pageAll(reader, { ...oneQuery, order: 'desc' })).map(key)).toEqual([...one].reverse().map(key));
  });

  it('applies filters and inclusive time bounds', async () => {
    const from = 1_700_000_000_000 + 10_000;
    const to = 1_700_000_000_000 + 20_000;
    const want = all.filter((e) => e.portalId === 102 && e.subscriptionType === 'deal.creation' && e.occurredAt >= from && e.occurredAt <= to).sort(cmp);
    expect(want.length).toBeGreaterThan(10);
    const got = await pageAll(reader, { portalId: 102, subscriptionType: 'deal.creation', from, to, order: 'asc', limit: 7 });
    expect(got.map(key)).toEqual(want.map(key));
    expect(got.some((e) => e.occurredAt === from) && got.some((e) => e.occurredAt === to)).toBe(true);
    const byType = await pageAll(reader, { objectType: 'company', order: 'desc', limit: 250 });
    expect(byType.map(key)).toEqual(
      all
        .filter((e) => e.objectType === 'company')
        .sort(cmp)
        .reverse()
        .map(key),
    );
  });

  it('serves the changes feed in id order, including late events with old times', async () => {
    const ids: number[] = [];
    let after = 0;
    for (;;) {
      const page = await reader.changes({ afterId: after, limit: 333 });
      if (page.length === 0) break;
      ids.push(...page.map((e) => e.id));
      after = page[page.length - 1]?.id ?? after;
    }
    expect(ids).toEqual(all.map((e) => e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const late = makeEvent({ eventId: 999_999, occurredAt: 1 });
    await createEventWriter(ds).persist({ events: [late], state: [], now: 2 });
    const [got] = await reader.changes({ afterId: after, limit: 10 });
    expect(got).toMatchObject({ eventId: 999_999, occurredAt: 1, raw: { eventId: 999_999 } });
    await ds.query('DELETE FROM events WHERE event_id = 999999');
    const portal = await reader.changes({ afterId: 0, limit: 10_000, portalId: 103 });
    expect(portal.map((e) => e.id)).toEqual(all.filter((e) => e.portalId === 103).map((e) => e.id));
  });

  it('returns an object timeline in occurred_at order', async () => {
    const ref = { portalId: 100, objectType: 'contact', objectId: 1 };
    const want = all.filter((e) => e.portalId === 100 && e.objectType === 'contact' && e.objectId === 1).sort(cmp);
    const first = await reader.timeline(ref, { order: 'asc', limit: 3 });
    expect(first.map(key)).toEqual(want.slice(0, 3).map(key));
    const last = first[2] as StoredEvent;
    const rest = await reader.timeline(ref, { order: 'asc', limit: 1000, after: { occurredAt: last.occurredAt, id: last.id } });
    expect([...first, ...rest].map(key)).toEqual(want.map(key));
  });

  describe('EXPLAIN: every page query reads an index in order (no filesort, no full scan)', () => {
    const mid = (): { occurredAt: number; id: number } => {
      const e = [...all].sort(cmp)[1200] as StoredEvent;
      return { occurredAt: e.occurredAt, id: e.id };
    };
    const plans: Array<[string, () => Sql, string]> = [
      ['first page, no filter', () => buildListQuery({ order: 'asc', limit: 101 }), 'ix_events_provider_occurred'],
      ['deep page asc', () => buildListQuery({ order: 'asc', limit: 101, after: mid() }), 'ix_events_provider_occurred'],
      ['deep page desc', () => buildListQuery({ order: 'desc', limit: 101, after: mid() }), 'ix_events_provider_occurred'],
      ['time window', () => buildListQuery({ order: 'asc', limit: 101, from: 1_700_000_005_000, to: 1_700_000_030_000 }), 'ix_events_provider_occurred'],
      ['portal deep page', () => buildListQuery({ portalId: 101, order: 'desc', limit: 101, after: mid() }), 'ix_events_tenant_occurred'],
      ['subscription type', () => buildListQuery({ subscriptionType: 'deal.creation', order: 'asc', limit: 101, after: mid() }), 'ix_events_type_occurred'],
      ['object filter', () => buildListQuery({ portalId: 101, objectType: 'deal', objectId: 5, order: 'asc', limit: 101 }), 'ix_events_subject_timeline'],
      [
        'timeline deep page',
        () => buildTimelineQuery({ portalId: 101, objectType: 'deal', objectId: 5 }, { order: 'desc', limit: 101, after: mid() }),
        'ix_events_subject_timeline',
      ],
      ['changes', () => buildChangesQuery({ afterId: 1000, limit: 101 }), 'ix_events_provider_changes'],
      ['changes for a portal', () => buildChangesQuery({ afterId: 1000, limit: 101, portalId: 102 }), 'ix_events_tenant_changes'],
    ];
    for (const [name, build, index] of plans) {
      it(name, async () => {
        const { sql, params } = build();
        const explained = (await ds.query(`EXPLAIN ${sql}`, params)) as Array<Record<string, unknown>>;
        // The changes feed's watermark is one uncorrelated subquery (a MIN on a primary key), read once.
        const watermark = explained.filter((r) => r.select_type !== 'PRIMARY' && r.select_type !== 'SIMPLE');
        expect(watermark.map((r) => r.select_type)).toEqual(name.startsWith('changes') ? ['SUBQUERY'] : []);
        const rows = explained.filter((r) => !watermark.includes(r));
        // The ledger (e) is walked in index order; HubSpot's row of each (h) is one primary-key lookup.
        expect(rows).toHaveLength(2);
        const plan = rows.find((r) => r.table === 'e') as Record<string, unknown>;
        const details = rows.find((r) => r.table === 'h') as Record<string, unknown>;
        expect(details).toMatchObject({ type: 'eq_ref', key: 'PRIMARY' });
        expect(plan.key).toBe(index);
        expect(['range', 'ref', 'index']).toContain(plan.type);
        expect(String(plan.Extra ?? '')).not.toMatch(/filesort|temporary/i);
      });
    }
  });
});
