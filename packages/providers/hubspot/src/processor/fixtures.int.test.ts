import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifySubscriptionType } from '../subscription-types.js';
import { eventKey } from '../object-types.js';
import { parseWebhookBatch, type HubSpotEvent } from '../events.js';
import { encodeEnvelope, type BatchContext, type ConsumedMessage, type EventProducer } from '@hookstream/kafka';
import { createLogger, createRegistry, type Registry } from '@hookstream/observability';
import { type DataSource } from '@hookstream/store';
import { createEventWriter, type ObjectRef } from '../store/index.js';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { hubspotFixture, hubspotFixtureNames, testDatabase } from '@hookstream/testkit';
import { createBatchHandler } from './batch-handler.js';
import { refKey } from './decode.js';
import type { Enricher, EnrichmentOutcome } from './enrich.js';
import { createProcessorMetrics } from './metrics.js';

/**
 * Every fixture (one per subscription type) through the real path: edge validation →
 * Kafka envelope → batch handler (decode, state updates, associations) → one transaction in a
 * real database. Each fixture's events must be stored with the canonical object type, and have
 * the state effect their subscription type documents.
 */
const NAMED: Record<string, string> = { '0-1': 'contact', '0-2': 'company', '0-3': 'deal', '0-5': 'ticket', '0-7': 'product', '0-8': 'line_item' };

function expectedObjectType(e: Record<string, unknown>): string {
  const prefix = String(e.subscriptionType).split('.')[0] as string;
  if (prefix !== 'object') return prefix;
  const id = String(e.objectTypeId ?? e.fromObjectTypeId);
  return NAMED[id] ?? id;
}

const skipped: Enricher = {
  async enrich(refs) {
    const out = new Map<string, EnrichmentOutcome>();
    for (const r of refs) out.set(refKey(r), { state: 'skipped', snapshot: null, error: null, nextAt: null });
    return out;
  },
};

const noProducer: EventProducer = {
  connect: async () => undefined,
  send: async () => {
    throw new Error('nothing in these fixtures may be dead-lettered or retried');
  },
  isConnected: () => true,
  disconnect: async () => undefined,
} as unknown as EventProducer;

function messagesFor(raw: unknown[], firstOffset: number): ConsumedMessage[] {
  const parsed = parseWebhookBatch(raw, { maxEvents: 1000 });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.events.map((event, i) => ({
    key: eventKey(event),
    value: encodeEnvelope({ v: 1, provider: 'hubspot', receivedAt: event.occurredAt + 250, requestId: 'fixture', signatureVersion: 'v3', event }),
    offset: String(firstOffset + i),
    timestamp: String(event.occurredAt),
    headers: {},
  }));
}

describe('every HubSpot fixture: validation → processing → storage (real database)', () => {
  let store: MigratedStore;
  let ds: DataSource;
  let registry: Registry;
  let handle: ReturnType<typeof createBatchHandler>;
  let offset = 0;

  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase());
    ds = store.ds;
  });
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(async () => {
    for (const t of ['events', 'hubspot_events', 'object_state', 'object_associations']) await ds.query(`DELETE FROM ${t}`);
    registry = createRegistry('processor-test');
    handle = createBatchHandler({
      writer: createEventWriter(ds),
      enricher: skipped,
      producer: noProducer,
      dlqTopic: 'dlq',
      retryTopic: 'retry',
      retry: { maxAttempts: 3, baseMs: 1000, maxMs: 10_000 },
      log: createLogger({ name: 'fixtures', level: 'silent' }),
      now: () => 1_800_000_000_000,
      metrics: createProcessorMetrics(registry),
    });
  });

  const run = async (raw: unknown[]): Promise<void> => {
    const messages = messagesFor(raw, offset);
    offset += messages.length;
    const ctx: BatchContext = { topic: 'hubspot.events', partition: 0, messages, isRunning: () => true, isStale: () => false };
    const r = await handle(ctx);
    expect(r.lastDurableOffset).toBe(messages[messages.length - 1]?.offset);
  };
  const state = async (ref: ObjectRef): Promise<Record<string, unknown> & { properties: Record<string, unknown> }> => {
    const [row] = (await ds.query('SELECT * FROM object_state WHERE portal_id = ? AND object_type = ? AND object_id = ?', [
      ref.portalId,
      ref.objectType,
      ref.objectId,
    ])) as Array<Record<string, unknown>>;
    if (!row) throw new Error(`no object_state for ${refKey(ref)}`);
    const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
    return { ...row, properties: parse(row.properties) as Record<string, unknown>, merged_object_ids: parse(row.merged_object_ids) };
  };
  const typeCount = async (bucket: string): Promise<number> => {
    const m = (await registry.getSingleMetric('hookstream_processor_subscription_type_events_total')?.get())?.values.find(
      (v) => v.labels.subscription_type === bucket,
    );
    return m?.value ?? 0;
  };

  it.each(hubspotFixtureNames())('%s', async (name) => {
    const fixture = hubspotFixture(name);
    await run(fixture.events);

    const rows = (await ds.query('SELECT subscription_type, object_type, object_type_id, object_id, raw FROM hubspot_event_rows ORDER BY id')) as Array<
      Record<string, unknown>
    >;
    expect(rows).toHaveLength(fixture.events.length);
    rows.forEach((row, i) => {
      const e = fixture.events[i] as Record<string, unknown>;
      expect(row.subscription_type).toBe(name);
      expect(row.object_type).toBe(expectedObjectType(e));
      expect(row.object_id).toBe(e.objectId ?? e.fromObjectId);
    });

    const type = classifySubscriptionType(name);
    expect(await typeCount(type.bucket)).toBe(fixture.events.length);
    const events = fixture.events as unknown as HubSpotEvent[];
    const refOf = (e: HubSpotEvent): ObjectRef => ({
      portalId: e.portalId,
      objectType: expectedObjectType(e as unknown as Record<string, unknown>),
      objectId: (e.objectId ?? e.fromObjectId) as number,
    });
    const assocs = (await ds.query('SELECT * FROM object_associations ORDER BY 1, 2, 3, 4, 5, 6, 7')) as Array<Record<string, unknown>>;
    if (type.action !== 'associationChange') expect(assocs).toEqual([]);

    for (const e of events) {
      const s = await state(refOf(e));
      const sameObject = events.filter((o) => refKey(refOf(o)) === refKey(refOf(e)));
      expect(s.last_event_at).toBe(Math.max(...sameObject.map((o) => o.occurredAt)));
      if (!type.known) {
        // Stored raw, counted; no effect beyond "seen".
        expect(s).toMatchObject({ properties: {}, archived: 0, created_at: null, merged_into_object_id: null, privacy_deleted_at: null });
        continue;
      }
      switch (type.action) {
        case 'creation':
          expect(s.created_at).toBe(e.occurredAt);
          break;
        case 'deletion':
          expect(s).toMatchObject({ archived: 1, archived_version: e.occurredAt });
          break;
        case 'restore':
          expect(s).toMatchObject({ archived: 0, archived_version: e.occurredAt });
          break;
        case 'propertyChange':
          expect(s.properties[e.propertyName as string]).toBe(e.propertyValue);
          break;
        case 'privacyDeletion':
          expect(s).toMatchObject({ archived: 1, privacy_deleted_at: e.occurredAt, properties: {} });
          break;
        case 'merge': {
          const survivor = (e.newObjectId ?? e.primaryObjectId) as number;
          const gone = [
            ...(e.mergedObjectIds as number[]),
            ...(e.newObjectId !== undefined && e.newObjectId !== e.primaryObjectId ? [e.primaryObjectId as number] : []),
          ].sort((a, b) => a - b);
          expect((await state({ ...refOf(e), objectId: survivor })).merged_object_ids).toEqual(gone);
          for (const id of gone) expect((await state({ ...refOf(e), objectId: id })).merged_into_object_id).toBe(survivor);
          break;
        }
        case 'associationChange': {
          const from = refOf(e);
          const row = assocs.find(
            (a) =>
              a.from_object_type === from.objectType &&
              a.from_object_id === e.fromObjectId &&
              a.to_object_id === e.toObjectId &&
              a.is_primary === (e.isPrimaryAssociation ? 1 : 0),
          );
          expect(row, `${name}: association ${String(e.fromObjectId)} -> ${String(e.toObjectId)}`).toMatchObject({
            removed: e.associationRemoved ? 1 : 0,
            version: e.occurredAt,
          });
          if (e.associationTypeId === undefined) {
            // Legacy: stored in both directions.
            expect(assocs.some((a) => a.from_object_id === e.toObjectId && a.to_object_id === e.fromObjectId && a.to_object_type === from.objectType)).toBe(
              true,
            );
          } else {
            expect(row?.association_type).toBe(`${String(e.associationCategory)}:${String(e.associationTypeId)}`);
          }
          break;
        }
        default:
          // conversation.newMessage: stored and seen only.
          expect(type.action).toBe('newMessage');
      }
    }
  });

  it('replaying all fixtures in another order, batching and with duplicates gives the same final state', async () => {
    const all = hubspotFixtureNames().flatMap((n) => hubspotFixture(n).events);
    const snapshot = async () => ({
      state: ((await ds.query('SELECT * FROM object_state ORDER BY portal_id, object_type, object_id')) as Array<Record<string, unknown>>).map(
        ({ updated_at: _u, ...r }) => r,
      ),
      assoc: ((await ds.query('SELECT * FROM object_associations ORDER BY 1, 2, 3, 4, 5, 6, 7')) as Array<Record<string, unknown>>).map(
        ({ updated_at: _u, ...r }) => r,
      ),
      events: Number(((await ds.query('SELECT COUNT(*) AS n FROM events')) as Array<{ n: unknown }>)[0]?.n),
    });
    for (let i = 0; i < all.length; i += 40) await run(all.slice(i, i + 40));
    const first = await snapshot();
    expect(first.events).toBe(all.length);

    for (const t of ['events', 'hubspot_events', 'object_state', 'object_associations']) await ds.query(`DELETE FROM ${t}`);
    const reversed = [...all].reverse();
    const withDupes = [...reversed.slice(0, 30), ...all.filter((_, i) => i % 4 === 0).map((e) => ({ ...e, attemptNumber: 1 })), ...reversed.slice(30)];
    for (let i = 0; i < withDupes.length; i += 7) await run(withDupes.slice(i, i + 7));
    expect(await snapshot()).toEqual(first);
  });
});
