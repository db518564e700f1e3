import { associationFactsOf, mergeFactOf } from '../event-details.js';
import { classifySubscriptionType } from '../subscription-types.js';
import { type CrmObject } from '../batch-read/types.js';
import { type HubSpotEvent } from '../events.js';
import type { AssociationUpdate, ObjectRef, StateUpdate } from '../store/index.js';

/** The action part of a subscription type: "contact.propertyChange" and "object.propertyChange" → "propertyChange". */
export function actionOf(subscriptionType: string): string {
  const dot = subscriptionType.lastIndexOf('.');
  return dot === -1 ? subscriptionType : subscriptionType.slice(dot + 1);
}

/**
 * What one event says about object state, as provider-neutral updates stamped with the
 * event's occurredAt. The store applies them newest-wins, so arrival order does not matter.
 *
 * Only documented subscription types have effects. Any other type (HubSpot adds them without
 * notice) is stored raw and only marks its object as seen: we cannot know what it means.
 */
export function stateUpdatesFor(event: HubSpotEvent, ref: ObjectRef): Array<{ ref: ObjectRef; updates: StateUpdate[] }> {
  const at = event.occurredAt;
  const updates: StateUpdate[] = [{ kind: 'seen', at }];
  const out: Array<{ ref: ObjectRef; updates: StateUpdate[] }> = [{ ref, updates }];
  const type = classifySubscriptionType(event.subscriptionType);
  if (!type.known) return out;
  switch (type.action) {
    case 'creation':
      updates.push({ kind: 'created', at });
      break;
    case 'deletion':
      updates.push({ kind: 'archived', archived: true, at });
      break;
    case 'privacyDeletion':
      // HubSpot also sends a deletion, in either order; the tombstone alone already archives.
      updates.push({ kind: 'privacyDeleted', at }, { kind: 'archived', archived: true, at });
      break;
    case 'restore':
      updates.push({ kind: 'archived', archived: false, at });
      break;
    case 'propertyChange':
      if (event.propertyName) updates.push({ kind: 'property', name: event.propertyName, value: event.propertyValue ?? null, at });
      break;
    case 'merge': {
      const m = mergeFactOf(event);
      // The survivor (primary, or the new record a merge created) lists what was merged into it;
      // each merged-away id points at it.
      if (m.mergedAwayIds.length > 0) {
        const survivor = m.survivorId === ref.objectId ? updates : pushRef(out, { ...ref, objectId: m.survivorId }, at);
        survivor.push({ kind: 'absorbed', ids: m.mergedAwayIds, at });
      }
      for (const merged of m.mergedAwayIds) {
        const target = merged === ref.objectId ? updates : pushRef(out, { ...ref, objectId: merged }, at);
        target.push({ kind: 'merged', into: m.survivorId, at });
      }
      break;
    }
    default:
      // associationChange (see associationUpdatesFor), conversation.newMessage: the event is
      // stored and shows in the timeline; the object is marked seen.
      break;
  }
  return out;
}

function pushRef(out: Array<{ ref: ObjectRef; updates: StateUpdate[] }>, ref: ObjectRef, at: number): StateUpdate[] {
  const updates: StateUpdate[] = [{ kind: 'seen', at }];
  out.push({ ref, updates });
  return updates;
}

/** Association rows an associationChange event adds or removes (legacy events: both directions). */
export function associationUpdatesFor(event: HubSpotEvent): AssociationUpdate[] {
  const type = classifySubscriptionType(event.subscriptionType);
  if (!type.known || type.action !== 'associationChange') return [];
  return associationFactsOf(event).map((f) => ({ portalId: event.portalId, ...f, at: event.occurredAt }));
}

function epochMs(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

/**
 * A batch-read result as a state update. It is versioned by HubSpot's updatedAt: a snapshot
 * holds every change up to that instant, so property events newer than it still win.
 */
export function snapshotUpdate(obj: CrmObject, readAt: number): StateUpdate {
  const createdAt = epochMs(obj.createdAt);
  return {
    kind: 'snapshot',
    properties: obj.properties,
    at: epochMs(obj.updatedAt) ?? readAt,
    ...(createdAt !== undefined ? { createdAt } : {}),
    archived: obj.archived ?? false,
  };
}
