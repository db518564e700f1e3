import type { HubSpotEvent } from '@hookstream/hubspot';
import { eventKeyOf } from './workload.js';

/** How a delivery ended, as HubSpot would see it. */
export type DeliveryOutcome = 'acknowledged' | 'refused' | 'unacknowledged';

/**
 * What the sender knows about every event it posted, keyed by the events table's unique key.
 * An event can be in several sets (posted in a 503 request, then acknowledged on a retry);
 * the verdicts below take that into account.
 */
export interface Ledger {
  /** Events of requests the edge answered 2xx: each must be stored exactly once. */
  readonly acknowledged: Set<string>;
  /** Events of requests the edge refused (4xx): none may be stored. */
  readonly refused: Set<string>;
  /** Events of requests that got a 5xx, timed out or failed on the network: they may or may not be stored. */
  readonly unacknowledged: Set<string>;
  /** Requests by outcome label: "200", "401", "400", "503", "timeout", "network", … */
  readonly requests: Map<string, number>;
  /** Event copies posted, counting duplicates and retries. */
  eventCopies: number;
  /** Copies that were deliberate duplicates (re-posted acknowledged events, in-batch repeats). */
  duplicateCopies: number;
  /** Good deliveries answered with a 4xx: the edge refused something it should have accepted. */
  unexpectedRefusals: number;
  /** Bad deliveries (wrong signature, expired, invalid) answered 2xx: the edge let through what it must refuse. */
  unexpectedAcceptances: number;
  record(events: readonly HubSpotEvent[], outcome: DeliveryOutcome, label: string): void;
}

export function createLedger(): Ledger {
  const requests = new Map<string, number>();
  const ledger: Ledger = {
    acknowledged: new Set(),
    refused: new Set(),
    unacknowledged: new Set(),
    requests,
    eventCopies: 0,
    duplicateCopies: 0,
    unexpectedRefusals: 0,
    unexpectedAcceptances: 0,
    record(events, outcome, label) {
      requests.set(label, (requests.get(label) ?? 0) + 1);
      const target = outcome === 'acknowledged' ? ledger.acknowledged : outcome === 'refused' ? ledger.refused : ledger.unacknowledged;
      for (const e of events) target.add(eventKeyOf(e));
    },
  };
  return ledger;
}

/** Events only ever sent in refused requests. */
export function refusedOnly(l: Ledger): Set<string> {
  return new Set([...l.refused].filter((k) => !l.acknowledged.has(k) && !l.unacknowledged.has(k)));
}

/** Events sent in failed requests and never acknowledged by a retry. */
export function neverAcknowledged(l: Ledger): Set<string> {
  return new Set([...l.unacknowledged].filter((k) => !l.acknowledged.has(k)));
}
