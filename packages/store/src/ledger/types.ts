/** One accepted event of any provider, as the ledger stores it. */
export interface LedgerEvent {
  provider: string;
  /** The configured source it came through (HubSpot: `hubspot`; generic sources: the source's name). */
  source: string;
  /** Whose event it is: a HubSpot portal, a CRM account; null when the provider has no tenants. */
  tenant: string | null;
  type: string;
  /** What the event is about (`contact:1001`, a deal id, a user id), for filtering; null if nothing. */
  subject: string | null;
  /** The provider's own id for the event, as a string. */
  eventId: string;
  /** Equal keys (within provider and source) are the same event: a redelivery is a no-op. */
  idempotencyKey: string;
  occurredAt: number;
  receivedAt: number;
  requestId: string | null;
  /** The edge request's W3C traceparent (tracing on); absent or null otherwise. Written, not read back by the ledger's readers. */
  traceparent?: string | null;
  raw: unknown;
}

/** A stored ledger row. */
export interface LedgerRecord extends LedgerEvent {
  id: number;
  processedAt: number;
}

export type SortOrder = 'asc' | 'desc';

/** Keyset position: the (occurred_at, id) of the last event already returned. */
export interface EventPosition {
  occurredAt: number;
  id: number;
}

/** How `subject` is matched: exactly, or by a prefix or suffix (e.g. a HubSpot object type or id alone). */
export type SubjectMatch = { eq: string } | { prefix: string } | { suffix: string };

export interface LedgerQuery {
  provider?: string;
  source?: string;
  tenant?: string;
  type?: string;
  subject?: SubjectMatch;
  /** Inclusive, epoch ms. */
  from?: number;
  /** Inclusive, epoch ms. */
  to?: number;
  order: SortOrder;
  limit: number;
  after?: EventPosition;
}

export interface LedgerChangesQuery {
  /** Ingestion sequence id already seen; 0 = from the beginning. */
  afterId: number;
  limit: number;
  provider?: string;
  source?: string;
  tenant?: string;
}
