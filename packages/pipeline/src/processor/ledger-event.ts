import type { LedgerEnvelope } from '@hookstream/kafka';
import type { LedgerEvent } from '@hookstream/store';

/** The ledger row an envelope v2 describes: the edge put every ledger field in it, the event as `raw`. */
export function ledgerEventOf(e: LedgerEnvelope): LedgerEvent {
  return {
    provider: e.provider,
    source: e.source,
    tenant: e.tenant,
    type: e.type,
    subject: e.subject,
    eventId: e.eventId,
    idempotencyKey: e.idempotencyKey,
    occurredAt: e.occurredAt,
    receivedAt: e.receivedAt,
    requestId: e.requestId,
    ...(e.traceparent ? { traceparent: e.traceparent } : {}),
    raw: e.event,
  };
}
