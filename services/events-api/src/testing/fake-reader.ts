import type { Association, EventQuery, EventReader, LifecycleEntry, ObjectRef, ObjectState, StoredEvent, SubscriptionTypeCount, SubscriptionTypeQuery } from '@hookstream/store';

export interface FakeRelations {
  associations?: Association[];
  /** By `${portalId}:${objectType}:${objectId}`. */
  lifecycle?: Map<string, LifecycleEntry[]>;
  stats?: SubscriptionTypeCount[];
}

/** In-memory EventReader with the store's ordering and keyset semantics, for HTTP-level tests. */
export function createFakeReader(events: StoredEvent[], states: ObjectState[] = [], relations: FakeRelations = {}): EventReader & { calls: EventQuery[]; statsCalls: SubscriptionTypeQuery[] } {
  const calls: EventQuery[] = [];
  const statsCalls: SubscriptionTypeQuery[] = [];
  const assocOrder = (a: Association): string => [a.toObjectType, String(a.toObjectId).padStart(20, '0'), a.associationType, a.isPrimary ? 1 : 0].join('\u0000');
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
      return ordered(events.filter((e) => sameRef(e, ref) && afterPos(e, q)), q.order).slice(0, q.limit);
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
