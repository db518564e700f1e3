import type { AssociationUpdate, NewEvent, ObjectRef, StateUpdate } from '../store/index.js';
import type { DecodedEvent } from './decode.js';
import { refKey } from './decode.js';
import type { EnrichmentOutcome } from './enrich.js';
import { associationUpdatesFor, snapshotUpdate, stateUpdatesFor } from './state-updates.js';

/** One event row, with the enrichment outcome of its object. */
export function toNewEvent(d: DecodedEvent, outcome: EnrichmentOutcome): NewEvent {
  const e = d.event;
  return {
    provider: 'hubspot',
    portalId: e.portalId,
    appId: e.appId ?? null,
    // 0 stands for "none given" so the unique key stays NOT NULL (NULLs never collide in a unique key).
    subscriptionId: e.subscriptionId ?? 0,
    eventId: e.eventId,
    subscriptionType: e.subscriptionType,
    objectType: d.ref.objectType,
    objectTypeId: e.objectTypeId ?? null,
    objectId: e.objectId,
    occurredAt: e.occurredAt,
    receivedAt: d.envelope.receivedAt,
    attemptNumber: e.attemptNumber,
    changeSource: e.changeSource ?? null,
    changeFlag: e.changeFlag ?? null,
    propertyName: e.propertyName ?? null,
    propertyValue: e.propertyValue ?? null,
    requestId: d.envelope.requestId,
    ...(d.envelope.traceparent ? { traceparent: d.envelope.traceparent } : {}),
    raw: e,
    enrichment: outcome.snapshot,
    enrichmentState: outcome.state,
    enrichmentError: outcome.error,
    enrichmentNextAt: outcome.nextAt,
    enrichmentAttempts: outcome.state === 'skipped' ? 0 : 1,
  };
}

/** All state updates of a set of events plus the snapshots read for their objects, grouped by object. */
export function collectStateUpdates(
  events: readonly DecodedEvent[],
  outcomes: ReadonlyMap<string, EnrichmentOutcome>,
  readAt: number,
): Array<{ ref: ObjectRef; updates: StateUpdate[] }> {
  const byRef = new Map<string, { ref: ObjectRef; updates: StateUpdate[] }>();
  const add = (ref: ObjectRef, updates: StateUpdate[]) => {
    const k = refKey(ref);
    const entry = byRef.get(k) ?? { ref, updates: [] };
    entry.updates.push(...updates);
    byRef.set(k, entry);
  };
  for (const d of events) for (const { ref, updates } of stateUpdatesFor(d.event, d.ref)) add(ref, updates);
  for (const d of events) {
    const snap = outcomes.get(refKey(d.ref))?.snapshot;
    if (snap && !byRef.get(refKey(d.ref))?.updates.some((u) => u.kind === 'snapshot')) add(d.ref, [snapshotUpdate(snap, readAt)]);
  }
  return [...byRef.values()];
}

/** Association adds/removes of a set of events (the store reduces duplicates newest-wins). */
export function collectAssociationUpdates(events: readonly DecodedEvent[]): AssociationUpdate[] {
  return events.flatMap((d) => associationUpdatesFor(d.event));
}
