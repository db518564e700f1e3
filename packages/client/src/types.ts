/**
 * JSON shapes of the events-api, duplicated on purpose: the client must not depend on the store
 * (or on anything server-side). Keep in step with services/events-api: its
 * client-contract.test.ts checks every method's requests and answers against /openapi.json and
 * these types' fields against the document's schemas (docs/api.md).
 */
export type EnrichmentState = 'pending' | 'enriched' | 'not_found' | 'skipped';
export type SortOrder = 'asc' | 'desc';

export interface StoredEnrichment {
  state: EnrichmentState;
  attempts: number;
  error: string | null;
  nextAttemptAt: number | null;
  enrichedAt: number | null;
  /** The CRM object as read from the provider's API when enriched. */
  snapshot: unknown | null;
}

export interface StoredEvent {
  /** Ingestion sequence: the order of the changes feed. */
  id: number;
  provider: string;
  portalId: number;
  appId: number | null;
  subscriptionId: number;
  eventId: number;
  subscriptionType: string;
  objectType: string;
  objectTypeId: string | null;
  objectId: number;
  /** Epoch ms. */
  occurredAt: number;
  receivedAt: number;
  processedAt: number;
  attemptNumber: number;
  changeSource: string | null;
  changeFlag: string | null;
  propertyName: string | null;
  propertyValue: string | null;
  requestId: string | null;
  /** The provider's event as received. */
  raw: unknown;
  enrichment: StoredEnrichment;
}

export interface ObjectState {
  portalId: number;
  objectType: string;
  objectId: number;
  properties: Record<string, string | null>;
  /** Property name -> epoch ms of the information that set it. */
  propertyVersions: Record<string, number>;
  archived: boolean;
  archivedVersion: number;
  mergedIntoObjectId: number | null;
  mergedVersion: number;
  createdAt: number | null;
  lastEventAt: number | null;
  snapshotAt: number | null;
  /** Ids merged into this object (it survived their merge). */
  mergedObjectIds: number[];
  /** Set once a privacy deletion was received: properties are empty for good. */
  privacyDeletedAt: number | null;
}

export interface EventsPage {
  events: StoredEvent[];
  /** Pass as `cursor` for the next page; null when there is none. */
  nextCursor: string | null;
}

export interface ChangesPage {
  events: StoredEvent[];
  /** Always set: poll again with it to get whatever arrived since. */
  nextCursor: string;
}

/** Epoch ms, an ISO-8601 string (with Z or an offset), or a Date. */
export type TimeInput = number | string | Date;

export interface ListEventsQuery {
  portalId?: number;
  objectType?: string;
  objectId?: number;
  subscriptionType?: string;
  /** Inclusive. */
  from?: TimeInput;
  /** Inclusive. */
  to?: TimeInput;
  /** By occurredAt, ties by id. Default asc. */
  order?: SortOrder;
  /** 1..1000, default 100. */
  limit?: number;
  cursor?: string;
}

export interface TimelineQuery {
  order?: SortOrder;
  limit?: number;
  cursor?: string;
}

/** One directed association between two objects (events-api `/associations`). */
export interface Association {
  portalId: number;
  fromObjectType: string;
  fromObjectId: number;
  toObjectType: string;
  toObjectId: number;
  /** Legacy name (CONTACT_TO_COMPANY) or `<category>:<typeId>` of generic events. */
  associationType: string;
  isPrimary: boolean;
  removed: boolean;
  /** occurredAt of the event that decided the current value. */
  version: number;
}

export interface AssociationsPage {
  associations: Association[];
  nextCursor: string | null;
}

export interface AssociationsQuery {
  includeRemoved?: boolean;
  limit?: number;
  cursor?: string;
}

export interface LifecycleEntry {
  stage: string | null;
  at: number;
  eventId: number;
  subscriptionType: string;
  source: 'propertyChange' | 'snapshot';
}

export interface SubscriptionTypeStats {
  subscriptionTypes: Array<{ subscriptionType: string; known: boolean; events: number; firstOccurredAt: number; lastOccurredAt: number }>;
  unknown: { types: number; events: number };
}
