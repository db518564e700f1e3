export interface SourceEvent {
  /** One of the source's declared event types. */
  type: string;
  /**
   * The sender's id for the event, as the store's ledger keeps it. A generic sender's id is
   * what its idempotency key is made of (`body.event_id`, `webhook-id`), so the two are equal;
   * with neither configured nor Standard Webhooks, both are the content hash.
   */
  eventId: string;
  /** Equal keys within the source are the same event: a redelivery is a no-op. At most 255 characters. */
  idempotencyKey: string;
  /** Epoch ms: from the configured field, else the time the delivery was received. */
  occurredAt: number;
  tenant: string | null;
  /** What the event is about, for filtering. */
  subject: string | null;
  /** The event object as received. */
  data: unknown;
}
