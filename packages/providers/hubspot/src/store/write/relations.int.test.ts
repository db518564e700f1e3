import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase } from '@hookstream/testkit';
import { createEventReader } from '../read/event-reader.js';
import { parseJson } from '@hookstream/store';
import { makeEvent } from '../testing/fixtures.js';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import type { AssociationUpdate, ObjectRef, StateChange, StateUpdate } from '../types.js';
import { createEventWriter } from './event-writer.js';
import type { NewEvent, PersistInput } from './types.js';

const P = 62515;
const contact = (objectId: number): ObjectRef => ({ portalId: P, objectType: 'contact', objectId });

/** An event with the state updates the processor would derive from it. */
function step(e: NewEvent, updates: StateUpdate[], associations: AssociationUpdate[] = []): PersistInput {
  const ref = { portalId: e.portalId, objectType: e.objectType, objectId: e.objectId };
  return { events: [e], state: [{ ref, updates: [{ kind: 'seen', at: e.occurredAt }, ...updates] }], associations, now: 9_000_000 };
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('relations and privacy (real database)', () => {
  let store: MigratedStore;
  let ds: DataSource;

  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase());
    ds = store.ds;
  });
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(async () => {
    for (const t of ['events', 'object_state', 'object_associations']) await ds.query(`DELETE FROM ${t}`);
  });

  const stateRows = async (): Promise<Array<Record<string, unknown>>> =>
    ((await ds.query('SELECT * FROM object_state ORDER BY portal_id, object_type, object_id')) as Array<Record<string, unknown>>).map(
      ({ updated_at: _u, ...r }) => ({
        ...r,
        properties: parseJson(r.properties),
        property_versions: parseJson(r.property_versions),
        merged_object_ids: parseJson(r.merged_object_ids),
      }),
    );
  const assocRows = async () =>
    ((await ds.query('SELECT * FROM object_associations ORDER BY 1, 2, 3, 4, 5, 6, 7')) as Array<Record<string, unknown>>).map(({ updated_at: _u, ...r }) => r);
  const eventsOf = async (objectId: number) =>
    (await ds.query(
      'SELECT event_id, subscription_type, property_value, enrichment, enrichment_state, raw FROM hubspot_event_rows WHERE object_id = ? ORDER BY event_id',
      [objectId],
    )) as Array<Record<string, unknown>>;

  it('association adds and removes converge whatever the order, duplicates and batching', async () => {
    const a = (toObjectId: number, isPrimary: boolean, removed: boolean, at: number): AssociationUpdate => ({
      portalId: P,
      fromObjectType: 'contact',
      fromObjectId: 1,
      toObjectType: 'company',
      toObjectId,
      associationType: 'CONTACT_TO_COMPANY',
      isPrimary,
      removed,
      at,
    });
    const updates = [
      a(7, true, false, 1000),
      a(7, false, false, 1000),
      a(7, true, true, 2000),
      a(8, false, false, 1500),
      a(8, false, true, 1500),
      a(9, false, true, 500),
      a(9, false, false, 400),
    ];
    const writer = createEventWriter(ds);
    let expected: Array<Record<string, unknown>> | undefined;
    const orders = [updates, [...updates].reverse(), [updates[2], updates[4], updates[0], updates[6], updates[1], updates[5], updates[3], updates[2]]];
    for (const order of orders) {
      await ds.query('DELETE FROM object_associations');
      for (let i = 0; i < order.length; i += 2) {
        await writer.persist({ events: [], state: [], associations: order.slice(i, i + 2) as AssociationUpdate[], now: 1 });
      }
      // A full replay changes nothing.
      await writer.persist({ events: [], state: [], associations: order as AssociationUpdate[], now: 2 });
      const rows = await assocRows();
      if (expected) expect(rows).toEqual(expected);
      expected = rows;
    }
    expect(expected?.map((r) => [r.to_object_id, r.is_primary, r.removed, r.version])).toEqual([
      [7, 0, 0, 1000],
      [7, 1, 1, 2000],
      [8, 0, 1, 1500],
      [9, 0, 1, 500],
    ]);

    const reader = createEventReader(ds);
    expect((await reader.associations(contact(1), { includeRemoved: false, limit: 10 })).map((r) => [r.toObjectId, r.isPrimary])).toEqual([[7, false]]);
    const all = await reader.associations(contact(1), { includeRemoved: true, limit: 2 });
    expect(all.map((r) => [r.toObjectId, r.isPrimary])).toEqual([
      [7, false],
      [7, true],
    ]);
    const last = all[1];
    if (!last) throw new Error('expected a page');
    const next = await reader.associations(contact(1), { includeRemoved: true, limit: 10, after: last });
    expect(next.map((r) => [r.toObjectId, r.removed])).toEqual([
      [8, true],
      [9, true],
    ]);
  });

  describe('privacy deletion', () => {
    const personal = (eventId: number, occurredAt: number, over: Partial<NewEvent> = {}) =>
      makeEvent({
        eventId,
        occurredAt,
        objectId: 500,
        propertyName: 'email',
        propertyValue: `ada${eventId}@x.io`,
        raw: {
          eventId,
          portalId: P,
          objectId: 500,
          occurredAt,
          subscriptionType: 'contact.propertyChange',
          propertyName: 'email',
          propertyValue: `ada${eventId}@x.io`,
          sourceId: 'userId:1',
          somethingNew: { name: 'Ada' },
        },
        enrichment: { id: '500', properties: { email: 'snap@x.io', firstname: 'Ada' }, updatedAt: '2026-01-01T00:00:00Z' },
        enrichmentState: 'enriched',
        ...over,
      });
    const steps = (): Record<string, PersistInput> => {
      const change = personal(1, 1000);
      const lateOld = personal(4, 500);
      const lateNew = personal(5, 9000);
      const privacy = makeEvent({
        eventId: 2,
        occurredAt: 3000,
        objectId: 500,
        subscriptionType: 'contact.privacyDeletion',
        propertyName: null,
        propertyValue: null,
        raw: { eventId: 2, portalId: P, objectId: 500, occurredAt: 3000, subscriptionType: 'contact.privacyDeletion' },
      });
      const deletion = makeEvent({
        eventId: 3,
        occurredAt: 3000,
        objectId: 500,
        subscriptionType: 'contact.deletion',
        propertyName: null,
        propertyValue: null,
        changeFlag: 'DELETED',
      });
      const prop = (e: NewEvent): StateUpdate[] => [
        { kind: 'property', name: 'email', value: e.propertyValue, at: e.occurredAt },
        { kind: 'snapshot', properties: { email: 'snap@x.io', firstname: 'Ada' }, at: Date.parse('2026-01-01T00:00:00Z') },
      ];
      return {
        change: step(change, prop(change)),
        privacy: step(privacy, [
          { kind: 'privacyDeleted', at: 3000 },
          { kind: 'archived', archived: true, at: 3000 },
        ]),
        deletion: step(deletion, [{ kind: 'archived', archived: true, at: 3000 }]),
        lateOld: step(lateOld, prop(lateOld)),
        lateNew: step(lateNew, prop(lateNew)),
      };
    };

    it('leaves only a non-personal record, whichever of privacyDeletion and deletion comes first, with late events after it', async () => {
      const writer = createEventWriter(ds);
      const s = steps();
      let expected: unknown;
      const orders = permutations(['change', 'privacy', 'deletion', 'lateNew'] as const).filter((_, i) => i % 3 === 0);
      for (const order of [
        ...orders,
        ['privacy', 'deletion', 'change', 'lateOld', 'lateNew'] as const,
        ['deletion', 'lateOld', 'privacy', 'change', 'privacy'] as const,
      ]) {
        for (const t of ['events', 'object_state']) await ds.query(`DELETE FROM ${t}`);
        for (const name of order) await writer.persist(s[name] as PersistInput);

        const [state] = await stateRows();
        expect(state).toMatchObject({ object_id: 500, properties: {}, property_versions: {}, archived: 1, privacy_deleted_at: 3000 });
        for (const e of await eventsOf(500)) {
          expect(e.property_value).toBeNull();
          expect(e.enrichment).toBeNull();
          const raw = parseJson(e.raw) as Record<string, unknown>;
          expect(raw).toMatchObject({ eventId: e.event_id, portalId: P, objectId: 500, hookstreamRedacted: 'privacyDeletion' });
          expect(JSON.stringify(raw)).not.toMatch(/ada|snap|Ada|userId/);
        }
        // The minimal record: the privacyDeletion event and the tombstone.
        expect((await eventsOf(500)).map((e) => e.subscription_type)).toContain('contact.privacyDeletion');
        const { last_event_at: _l, snapshot_at: _s, ...comparable } = state as Record<string, unknown>;
        if (expected) expect(comparable).toEqual(expected);
        expected = comparable;
      }
      const view = (await ds.query('SELECT email, firstname, deleted, privacy_deleted, privacy_deleted_at FROM contacts WHERE object_id = 500')) as Array<
        Record<string, unknown>
      >;
      expect(view).toEqual([{ email: null, firstname: null, deleted: 1, privacy_deleted: 1, privacy_deleted_at: 3000 }]);
      expect(await createEventReader(ds).lifecycle(contact(500))).toEqual([]);
    });

    it('does not let a late snapshot from the enrichment sweeper store personal data', async () => {
      const writer = createEventWriter(ds);
      const pending = makeEvent({ eventId: 10, occurredAt: 1000, objectId: 500, enrichmentState: 'pending' });
      await writer.persist(step(pending, []));
      const s = steps();
      await writer.persist(s.privacy as PersistInput);
      const [row] = (await ds.query('SELECT id, enrichment_state FROM hubspot_event_rows WHERE event_id = 10')) as Array<{
        id: number;
        enrichment_state: string;
      }>;
      expect(row?.enrichment_state).toBe('skipped');
      const snapshot = { id: '500', properties: { email: 'swept@x.io' }, updatedAt: '2026-02-01T00:00:00Z' };
      await writer.completeEnrichment({
        results: [{ id: row?.id as number, state: 'enriched', enrichment: snapshot, error: null, nextAt: null, attempts: 2 }],
        state: [{ ref: contact(500), updates: [{ kind: 'snapshot', properties: snapshot.properties, at: Date.parse(snapshot.updatedAt) }] }],
        now: 9_000_001,
      });
      expect((await eventsOf(500)).map((e) => e.enrichment)).toEqual([null, null]);
      expect((await stateRows())[0]).toMatchObject({ properties: {} });
    });

    it('spreads to contacts merged into the deleted one, whether the merge or the deletion came first', async () => {
      const writer = createEventWriter(ds);
      const merged = makeEvent({
        eventId: 20,
        occurredAt: 100,
        objectId: 501,
        propertyValue: 'old-ada@x.io',
        raw: { eventId: 20, propertyValue: 'old-ada@x.io' },
      });
      const merge = makeEvent({ eventId: 21, occurredAt: 2000, objectId: 500, subscriptionType: 'contact.merge', propertyName: null, propertyValue: null });
      const mergeStep: PersistInput = {
        events: [merge],
        state: [
          {
            ref: contact(500),
            updates: [
              { kind: 'seen', at: 2000 },
              { kind: 'absorbed', ids: [501], at: 2000 },
            ],
          },
          {
            ref: contact(501),
            updates: [
              { kind: 'seen', at: 2000 },
              { kind: 'merged', into: 500, at: 2000 },
            ],
          },
        ],
        now: 1,
      };
      const s = steps();
      for (const order of [
        [step(merged, [{ kind: 'property', name: 'email', value: 'old-ada@x.io', at: 100 }]), mergeStep, s.privacy],
        [s.privacy, step(merged, [{ kind: 'property', name: 'email', value: 'old-ada@x.io', at: 100 }]), mergeStep],
      ]) {
        for (const t of ['events', 'object_state']) await ds.query(`DELETE FROM ${t}`);
        for (const input of order) await writer.persist(input as PersistInput);
        const rows = await stateRows();
        expect(rows.map((r) => [r.object_id, r.privacy_deleted_at, r.merged_into_object_id, r.properties])).toEqual([
          [500, 3000, null, {}],
          [501, 3000, 500, {}],
        ]);
        expect(rows[0]?.merged_object_ids).toEqual([501]);
        expect((await eventsOf(501)).map((e) => e.property_value)).toEqual([null]);
      }
    });
  });

  it('contacts view: the listed properties as columns, JSON null as NULL, deletion and merge state', async () => {
    const writer = createEventWriter(ds);
    const props = {
      email: 'grace@x.io',
      firstname: 'Grace',
      lastname: 'Hopper',
      phone: null,
      lifecyclestage: 'lead',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'null',
      hs_object_id: '600',
    };
    const changes: StateChange[] = [
      {
        ref: contact(600),
        updates: [
          { kind: 'snapshot', properties: props, at: 5000, createdAt: 100 },
          { kind: 'seen', at: 5000 },
        ],
      },
      {
        ref: contact(601),
        updates: [
          { kind: 'merged', into: 600, at: 6000 },
          { kind: 'archived', archived: true, at: 6000 },
        ],
      },
      { ref: { portalId: P, objectType: 'company', objectId: 600 }, updates: [{ kind: 'property', name: 'email', value: 'not-a-contact', at: 1 }] },
    ];
    await writer.persist({ events: [], state: changes, now: 7000 });
    const rows = (await ds.query('SELECT * FROM contacts ORDER BY object_id')) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      portal_id: P,
      object_id: 600,
      email: 'grace@x.io',
      firstname: 'Grace',
      lastname: 'Hopper',
      phone: null,
      lifecyclestage: 'lead',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'null',
      created_at: 100,
      last_event_at: 5000,
      snapshot_at: 5000,
      deleted: 0,
      merged_into_object_id: null,
      privacy_deleted: 0,
    });
    expect(rows[1]).toMatchObject({ object_id: 601, email: null, deleted: 1, merged_into_object_id: 600 });
  });

  it('lifecycle history: stage changes plus the first snapshot, in time order, and counts per subscription type', async () => {
    const writer = createEventWriter(ds);
    const T = Date.parse('2026-01-01T00:00:00.000Z');
    const snap = (updatedAt: number, stage: string | null) => ({
      id: '700',
      properties: { lifecyclestage: stage, email: 'a@x.io' },
      updatedAt: new Date(updatedAt).toISOString(),
    });
    const ev = (eventId: number, occurredAt: number, over: Partial<NewEvent>) =>
      makeEvent({ eventId, occurredAt, objectId: 700, propertyName: null, propertyValue: null, ...over });
    const events = [
      // Enriched late by the sweeper: its snapshot is newer than the creation's, so it is not "the first".
      ev(4, T + 3000, {
        subscriptionType: 'contact.propertyChange',
        propertyName: 'email',
        propertyValue: 'b@x.io',
        enrichment: snap(T + 60_000, 'customer'),
        enrichmentState: 'enriched',
      }),
      ev(1, T + 1000, { subscriptionType: 'contact.creation', enrichment: snap(T + 1200, 'subscriber'), enrichmentState: 'enriched' }),
      ev(2, T + 5000, { subscriptionType: 'contact.propertyChange', propertyName: 'lifecyclestage', propertyValue: 'lead' }),
      // The same change through a generic subscription: one entry, not two.
      ev(3, T + 5000, { subscriptionType: 'object.propertyChange', subscriptionId: 9, propertyName: 'lifecyclestage', propertyValue: 'lead' }),
      ev(5, T + 9000, { subscriptionType: 'contact.propertyChange', propertyName: 'lifecyclestage', propertyValue: 'customer' }),
      ev(6, T + 9500, { subscriptionType: 'contact.somethingNew' }),
    ];
    await writer.persist({ events, state: [{ ref: contact(700), updates: [{ kind: 'seen', at: T + 9500 }] }], now: 1 });
    const history = await createEventReader(ds).lifecycle(contact(700));
    expect(history).toEqual([
      { stage: 'subscriber', at: T + 1200, eventId: 1, subscriptionType: 'contact.creation', source: 'snapshot' },
      { stage: 'lead', at: T + 5000, eventId: 2, subscriptionType: 'contact.propertyChange', source: 'propertyChange' },
      { stage: 'customer', at: T + 9000, eventId: 5, subscriptionType: 'contact.propertyChange', source: 'propertyChange' },
    ]);
    expect(await createEventReader(ds).lifecycle(contact(999))).toBeUndefined();

    const stats = await createEventReader(ds).subscriptionTypeStats({ portalId: P });
    expect(stats).toEqual([
      { subscriptionType: 'contact.creation', events: 1, firstOccurredAt: T + 1000, lastOccurredAt: T + 1000 },
      { subscriptionType: 'contact.propertyChange', events: 3, firstOccurredAt: T + 3000, lastOccurredAt: T + 9000 },
      { subscriptionType: 'contact.somethingNew', events: 1, firstOccurredAt: T + 9500, lastOccurredAt: T + 9500 },
      { subscriptionType: 'object.propertyChange', events: 1, firstOccurredAt: T + 5000, lastOccurredAt: T + 5000 },
    ]);
    expect(await createEventReader(ds).subscriptionTypeStats({ portalId: P, from: T + 4000, to: T + 5000 })).toEqual([
      { subscriptionType: 'contact.propertyChange', events: 1, firstOccurredAt: T + 5000, lastOccurredAt: T + 5000 },
      { subscriptionType: 'object.propertyChange', events: 1, firstOccurredAt: T + 5000, lastOccurredAt: T + 5000 },
    ]);
    expect(await createEventReader(ds).subscriptionTypeStats({ portalId: P + 1 })).toEqual([]);
  });
});
