import { hubspotApiPart } from '@hookstream/hubspot';
import type { LedgerQuery, LedgerReader, LedgerRecord } from '@hookstream/store';
import type {
  Association,
  EventQuery,
  EventReader,
  LifecycleEntry,
  ObjectRef,
  ObjectState,
  StoredEvent,
  SubscriptionTypeCount,
  SubscriptionTypeQuery,
} from '@hookstream/hubspot';
import type { HostedApi } from '../hosted.js';

export interface FakeRelations {
  associations?: Association[];
  /** By `${portalId}:${objectType}:${objectId}`. */
  lifecycle?: Map<string, LifecycleEntry[]>;
  stats?: SubscriptionTypeCount[];
}

export type FakeReader = EventReader & { events: StoredEvent[]; calls: EventQuery[]; statsCalls: SubscriptionTypeQuery[] };

/** In-memory EventReader with the store's ordering and keyset semantics, for HTTP-level tests. */
export function createFakeReader(events: StoredEvent[], states: ObjectState[] = [], relations: FakeRelations = {}): FakeReader {
  const calls: EventQuery[] = [];
  const statsCalls: SubscriptionTypeQuery[] = [];
  const assocOrder = (a: Association): string =>
    [a.toObjectType, String(a.toObjectId).padStart(20, '0'), a.associationType, a.isPrimary ? 1 : 0].join('\u0000');
  const byTime = (a: StoredEvent, b: StoredEvent): number => a.occurredAt - b.occurredAt || a.id - b.id;
  const afterPos = (e: StoredEvent, q: Pick<EventQuery, 'order' | 'after'>): boolean => {
    if (!q.after) return true;
    const c = e.occurredAt - q.after.occurredAt || e.id - q.after.id;
    return q.order === 'asc' ? c > 0 : c < 0;
  };
  const ordered = (xs: StoredEvent[], order: 'asc' | 'desc'): StoredEvent[] => {
    const s = [...xs].sort(byTime);
    return order === 'asc' ? s : s.reverse();
  };
  const sameRef = (e: { portalId: number; objectType: string; objectId: number }, r: ObjectRef): boolean =>
    e.portalId === r.portalId && e.objectType === r.objectType && e.objectId === r.objectId;

  return {
    events,
    calls,
    statsCalls,
    async list(q) {
      calls.push(q);
      const match = events.filter(
        (e) =>
          (q.portalId === undefined || e.portalId === q.portalId) &&
          (q.objectType === undefined || e.objectType === q.objectType) &&
          (q.objectId === undefined || e.objectId === q.objectId) &&
          (q.subscriptionType === undefined || e.subscriptionType === q.subscriptionType) &&
          (q.from === undefined || e.occurredAt >= q.from) &&
          (q.to === undefined || e.occurredAt <= q.to) &&
          afterPos(e, q),
      );
      return ordered(match, q.order).slice(0, q.limit);
    },
    async byIds(ids) {
      return events.filter((e) => ids.includes(e.id));
    },
    async changes(q) {
      return [...events]
        .filter((e) => e.id > q.afterId && (q.portalId === undefined || e.portalId === q.portalId))
        .sort((a, b) => a.id - b.id)
        .slice(0, q.limit);
    },
    async objectState(ref) {
      return states.find((s) => sameRef(s, ref));
    },
    async timeline(ref, q) {
      return ordered(
        events.filter((e) => sameRef(e, ref) && afterPos(e, q)),
        q.order,
      ).slice(0, q.limit);
    },
    async associations(ref, q) {
      const after = q.after ? assocOrder({ ...q.after, portalId: 0, fromObjectType: '', fromObjectId: 0, removed: false, version: 0 }) : undefined;
      return (relations.associations ?? [])
        .filter((a) => a.portalId === ref.portalId && a.fromObjectType === ref.objectType && a.fromObjectId === ref.objectId)
        .filter((a) => q.includeRemoved || !a.removed)
        .filter((a) => after === undefined || assocOrder(a) > after)
        .sort((a, b) => (assocOrder(a) < assocOrder(b) ? -1 : 1))
        .slice(0, q.limit);
    },
    async lifecycle(ref) {
      return relations.lifecycle?.get(`${ref.portalId}:${ref.objectType}:${ref.objectId}`);
    },
    async subscriptionTypeStats(q) {
      statsCalls.push(q);
      return relations.stats ?? [];
    },
  };
}

/** A stored event with defaults; ids and times are what tests vary. */
export function storedEvent(over: Partial<StoredEvent> & { id: number; occurredAt: number }): StoredEvent {
  return {
    provider: 'hubspot',
    portalId: 62515,
    appId: 1,
    subscriptionId: 10,
    eventId: over.id,
    subscriptionType: 'contact.propertyChange',
    objectType: 'contact',
    objectTypeId: '0-1',
    objectId: 1,
    receivedAt: over.occurredAt + 1,
    processedAt: over.occurredAt + 2,
    attemptNumber: 0,
    changeSource: 'CRM',
    changeFlag: null,
    propertyName: 'email',
    propertyValue: 'a@b.io',
    requestId: null,
    raw: { eventId: over.id },
    enrichment: { state: 'skipped', attempts: 0, error: null, nextAttemptAt: null, enrichedAt: null, snapshot: null },
    ...over,
  };
}

/** A HubSpot event as its ledger row. */
export function ledgerRecordOf(e: StoredEvent): LedgerRecord {
  return {
    id: e.id,
    provider: e.provider,
    source: e.provider,
    tenant: String(e.portalId),
    type: e.subscriptionType,
    subject: `${e.objectType}:${e.objectId}`,
    eventId: String(e.eventId),
    idempotencyKey: `${e.portalId}:${e.subscriptionId}:${e.eventId}:${e.occurredAt}:${e.objectId}`,
    occurredAt: e.occurredAt,
    receivedAt: e.receivedAt,
    processedAt: e.processedAt,
    requestId: e.requestId,
    raw: e.raw,
  };
}

/** In-memory LedgerReader with the store's ordering and keyset semantics; records every query. */
export function createFakeLedger(records: LedgerRecord[]): LedgerReader & { calls: LedgerQuery[] } {
  const calls: LedgerQuery[] = [];
  const subjectOk = (r: LedgerRecord, q: LedgerQuery): boolean => {
    const s = q.subject;
    if (!s) return true;
    if (r.subject === null) return false;
    if ('eq' in s) return r.subject === s.eq;
    return 'prefix' in s ? r.subject.startsWith(s.prefix) : r.subject.endsWith(s.suffix);
  };
  const eq = <T>(want: T | undefined, have: T): boolean => want === undefined || want === have;
  return {
    calls,
    async list(q) {
      calls.push(q);
      const after = q.after;
      const rows = records
        .filter((r) => eq(q.provider, r.provider) && eq(q.source, r.source) && eq(q.tenant, r.tenant ?? undefined) && eq(q.type, r.type) && subjectOk(r, q))
        .filter((r) => (q.from === undefined || r.occurredAt >= q.from) && (q.to === undefined || r.occurredAt <= q.to))
        .filter((r) => {
          if (!after) return true;
          const c = r.occurredAt - after.occurredAt || r.id - after.id;
          return q.order === 'asc' ? c > 0 : c < 0;
        })
        .sort((a, b) => a.occurredAt - b.occurredAt || a.id - b.id);
      return (q.order === 'asc' ? rows : rows.reverse()).slice(0, q.limit).map((record) => ({ record, row: {} }));
    },
    async changes(q) {
      return records
        .filter((r) => r.id > q.afterId && eq(q.provider, r.provider) && eq(q.source, r.source) && eq(q.tenant, r.tenant ?? undefined))
        .sort((a, b) => a.id - b.id)
        .slice(0, q.limit)
        .map((record) => ({ record, row: {} }));
    },
    async query() {
      throw new Error('the fake ledger runs no SQL');
    },
  };
}

/** events-api deps for HubSpot events held in memory: the ledger of them and HubSpot's part on the fake reader. */
export function fakeHubSpotApi(reader: FakeReader): { ledger: ReturnType<typeof createFakeLedger>; parts: HostedApi[] } {
  return { ledger: createFakeLedger(reader.events.map(ledgerRecordOf)), parts: [{ provider: 'hubspot', part: hubspotApiPart(reader) }] };
}
