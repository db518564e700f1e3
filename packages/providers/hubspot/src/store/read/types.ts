import type { Association, EnrichmentState, EventFields, ObjectRef, ObjectState } from '../types.js';

import type { EventPosition, SortOrder } from '@hookstream/store';

export type { EventPosition, SortOrder };

export interface EventQuery {
  portalId?: number;
  objectType?: string;
  objectId?: number;
  subscriptionType?: string;
  /** Inclusive, epoch ms. */
  from?: number;
  /** Inclusive, epoch ms. */
  to?: number;
  order: SortOrder;
  limit: number;
  after?: EventPosition;
}

export interface TimelineQuery {
  order: SortOrder;
  limit: number;
  after?: EventPosition;
}

export interface ChangesQuery {
  /** Ingestion sequence id already seen; 0 = from the beginning. */
  afterId: number;
  limit: number;
  portalId?: number;
}

export interface StoredEnrichment {
  state: EnrichmentState;
  attempts: number;
  error: string | null;
  nextAttemptAt: number | null;
  enrichedAt: number | null;
  snapshot: unknown | null;
}

export interface StoredEvent extends EventFields {
  id: number;
  processedAt: number;
  enrichment: StoredEnrichment;
}

export interface EventReader {
  /** Events in (occurred_at, id) order, keyset-paged. */
  list(q: EventQuery): Promise<StoredEvent[]>;
  /** Events in ingestion (id) order after `afterId`. */
  changes(q: ChangesQuery): Promise<StoredEvent[]>;
  /** These HubSpot events (ids of ledger rows), in no particular order; unknown ids are left out. */
  byIds(ids: readonly number[]): Promise<StoredEvent[]>;
  objectState(ref: ObjectRef): Promise<ObjectState | undefined>;
  /** One object's events in (occurred_at, id) order. */
  timeline(ref: ObjectRef, q: TimelineQuery): Promise<StoredEvent[]>;
  /** Associations from this object, in (toObjectType, toObjectId, associationType, isPrimary) order. */
  associations(ref: ObjectRef, q: AssociationQuery): Promise<Association[]>;
  /** Lifecycle-stage history of a contact; undefined when the object is unknown, [] once privacy-deleted. */
  lifecycle(ref: ObjectRef): Promise<LifecycleEntry[] | undefined>;
  /** Stored events per subscription type (a scan: for operators, not hot paths). */
  subscriptionTypeStats(q: SubscriptionTypeQuery): Promise<SubscriptionTypeCount[]>;
}

/** Keyset position in an object's associations: the last row already returned. */
export interface AssociationPosition {
  toObjectType: string;
  toObjectId: number;
  associationType: string;
  isPrimary: boolean;
}

export interface AssociationQuery {
  includeRemoved: boolean;
  limit: number;
  after?: AssociationPosition;
}

export interface LifecycleEntry {
  stage: string | null;
  /** HubSpot time: occurredAt of the propertyChange, updatedAt of the snapshot. */
  at: number;
  eventId: number;
  subscriptionType: string;
  source: 'propertyChange' | 'snapshot';
}

export interface SubscriptionTypeQuery {
  portalId?: number;
  /** Inclusive, epoch ms (occurredAt). */
  from?: number;
  to?: number;
}

export interface SubscriptionTypeCount {
  subscriptionType: string;
  events: number;
  firstOccurredAt: number;
  lastOccurredAt: number;
}
