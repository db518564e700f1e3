import type { DecodedEvent } from './decode.js';
import type { EnrichRequest } from './enrich.js';
import { actionOf } from './state-updates.js';

/** Events that change whether the object exists: a snapshot read before them would contradict them. */
const EXISTENCE_CHANGES = new Set(['deletion', 'privacyDeletion', 'restore', 'merge']);

/** The objects a batch needs read; a cached or in-flight snapshot may not serve an existence change. */
export function enrichRequests(events: readonly DecodedEvent[]): EnrichRequest[] {
  return events.map((d) => (EXISTENCE_CHANGES.has(actionOf(d.event.subscriptionType)) ? { ...d.ref, fresh: true } : d.ref));
}
