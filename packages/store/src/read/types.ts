import type { EnrichmentState, EventFields, ObjectRef, ObjectState } from '../types.js';

export type SortOrder = 'asc' | 'desc';

/** Keyset position: the (occurred_at, id) of the last event already returned. */
export interface EventPosition {
  occurredAt: number;
  id: number;
}

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
  objectState(ref: ObjectRef): Promise<ObjectState | undefined>;
  /** One object's events in (occurred_at, id) order. */
  timeline(ref: ObjectRef, q: TimelineQuery): Promise<StoredEvent[]>;
}
