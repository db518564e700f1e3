import type { CrmObject, HubSpotEvent } from '@hookstream/hubspot';
import type { ObjectRef, StateUpdate } from '@hookstream/store';

/** The action part of a subscription type: "contact.propertyChange" and "object.propertyChange" → "propertyChange". */
export function actionOf(subscriptionType: string): string {
  const dot = subscriptionType.lastIndexOf('.');
  return dot === -1 ? subscriptionType : subscriptionType.slice(dot + 1);
}

function ids(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => Number.isSafeInteger(v)) : [];
}

/**
 * What one event says about object state, as provider-neutral updates stamped with the
 * event's occurredAt. The store applies them newest-wins, so arrival order does not matter.
 */
export function stateUpdatesFor(event: HubSpotEvent, ref: ObjectRef): Array<{ ref: ObjectRef; updates: StateUpdate[] }> {
  const at = event.occurredAt;
  const updates: StateUpdate[] = [{ kind: 'seen', at }];
  const out: Array<{ ref: ObjectRef; updates: StateUpdate[] }> = [{ ref, updates }];
  switch (actionOf(event.subscriptionType)) {
    case 'creation':
      updates.push({ kind: 'created', at });
      break;
    case 'deletion':
    case 'privacyDeletion':
      updates.push({ kind: 'archived', archived: true, at });
      break;
    case 'restore':
      updates.push({ kind: 'archived', archived: false, at });
      break;
    case 'propertyChange':
      if (event.propertyName) updates.push({ kind: 'property', name: event.propertyName, value: event.propertyValue ?? null, at });
      break;
    case 'merge': {
      const primary = Number.isSafeInteger(event.primaryObjectId) ? (event.primaryObjectId as number) : ref.objectId;
      for (const merged of ids(event.mergedObjectIds)) {
        if (merged === primary) continue;
        out.push({ ref: { ...ref, objectId: merged }, updates: [{ kind: 'seen', at }, { kind: 'merged', into: primary, at }] });
      }
      break;
    }
    default:
      // associationChange, conversation.*, unknown types: stored as events; the timeline shows them.
      break;
  }
  return out;
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
