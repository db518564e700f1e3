import type { AssociationUpdate, EnrichmentState, EventFields, StateChange } from '../types.js';

export interface NewEvent extends EventFields {
  enrichment: unknown | null;
  enrichmentState: EnrichmentState;
  enrichmentError: string | null;
  /** For `pending`: when the sweeper may try; null means now. */
  enrichmentNextAt: number | null;
  enrichmentAttempts: number;
}

export interface PersistInput {
  events: NewEvent[];
  state: StateChange[];
  /** Association adds/removes, applied newest-wins in the same transaction. */
  associations?: AssociationUpdate[];
  /** Epoch ms; becomes processed_at and updated_at. */
  now: number;
}

export interface PersistResult {
  inserted: number;
  duplicates: number;
  /** Per input event, in order: the id of its new row, or null when it was stored before (or is a copy in the same call). */
  ids: Array<number | null>;
}

export interface ClaimedEvent {
  id: number;
  portalId: number;
  objectType: string;
  objectId: number;
  enrichmentAttempts: number;
}

export interface EnrichmentResult {
  id: number;
  state: EnrichmentState;
  enrichment: unknown | null;
  error: string | null;
  /** For `pending` (a retry): when to try again. */
  nextAt: number | null;
  attempts: number;
}

export interface CompleteEnrichmentInput {
  results: EnrichmentResult[];
  state: StateChange[];
  now: number;
}

export interface EventWriter {
  /** One transaction: lock & merge object_state rows, then insert events idempotently. */
  persist(input: PersistInput): Promise<PersistResult>;
  /** Leases up to `limit` due pending events to this caller for `leaseMs` (multi-replica safe). */
  claimDue(opts: { now: number; limit: number; leaseMs: number }): Promise<ClaimedEvent[]>;
  /** One transaction: merge state updates, then record the outcome on the event rows and release their claim. */
  completeEnrichment(input: CompleteEnrichmentInput): Promise<void>;
}

export interface EventWriterOptions {
  /** Rows per multi-row INSERT (default 500). */
  chunkSize?: number;
  /** Approximate payload bytes per INSERT, to stay well under max_allowed_packet (default 4 MiB). */
  chunkBytes?: number;
  /** Row-lock wait before a statement fails and the transaction is retried (default 10 s). */
  lockWaitTimeoutSec?: number;
  sleep?: (ms: number) => Promise<void>;
}
