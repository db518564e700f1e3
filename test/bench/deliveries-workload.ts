/**
 * The events of the deliveries benchmark, shared by the section (which stores them in the
 * ledger for the dispatcher) and the bare client (which posts the same bodies itself): a
 * notifications service's stream (workload.ts), stored as the sources provider stores it.
 */
import type { DeliverableEvent } from '@hookstream/deliveries';
import type { LedgerEvent } from '@hookstream/store';
import { BENCH_SOURCE, notificationEvent } from './workload.js';

/** Event `i` of `seed` as a ledger event (what the processor would have stored), received at `now`. */
export function deliveryLedgerEvent(i: number, seed: number, now: number): LedgerEvent {
  const n = notificationEvent(i, seed);
  const id = String(n.event_id);
  return {
    provider: 'sources',
    source: BENCH_SOURCE,
    tenant: null,
    type: n.event_type,
    subject: null,
    eventId: id,
    idempotencyKey: id,
    occurredAt: Date.parse(n.timestamp),
    receivedAt: now,
    requestId: null,
    raw: n,
  };
}

/** The same event as the dispatcher reads it back from the ledger under id `ledgerId`. */
export function deliverableEvent(ledgerId: number, i: number, seed: number, now: number): DeliverableEvent {
  const e = deliveryLedgerEvent(i, seed, now);
  return { id: ledgerId, provider: e.provider, source: e.source, type: e.type, occurredAt: e.occurredAt, receivedAt: e.receivedAt, raw: e.raw };
}
