/** The ledger fields a delivery body is made of. */
export interface DeliverableEvent {
  id: number;
  provider: string;
  source: string;
  type: string;
  occurredAt: number;
  receivedAt: number;
  raw: unknown;
  /** The edge request's traceparent from the ledger: a delivery attempt's span is its child (docs/tracing.md). */
  traceparent?: string | null;
}

/** The body every endpoint receives: the same shape whatever the provider. */
export interface DeliveryBody {
  id: string;
  provider: string;
  source: string;
  type: string;
  occurredAt: string;
  receivedAt: string;
  data: unknown;
}

/** Ids go out as strings: ledger ids are BIGINT and a JSON number loses digits past 2^53 in most readers. */
export function deliveryBody(e: DeliverableEvent): DeliveryBody {
  return {
    id: String(e.id),
    provider: e.provider,
    source: e.source,
    type: e.type,
    occurredAt: new Date(e.occurredAt).toISOString(),
    receivedAt: new Date(e.receivedAt).toISOString(),
    data: e.raw,
  };
}
