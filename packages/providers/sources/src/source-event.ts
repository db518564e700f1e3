export interface SourceEvent {
  /** One of the source's declared event types. */
  type: string;
  /** Deterministic UUID of (source, idempotencyKey): stable across redeliveries. */
  eventId: string;
  idempotencyKey: string;
  /** Epoch ms: from the configured field, else the time the delivery was received. */
  occurredAt: number;
  tenant: string | null;
  /** What the event is about, for filtering. */
  subject: string | null;
  /** The event object as received. */
  data: unknown;
}
