import type { ObjectRef, ObjectState, StateUpdate } from '../types.js';

/**
 * Merges updates into an object's state. Every field is the maximum of a total order over
 * (time, value), so the result does not depend on the order updates arrive in, on duplicates,
 * or on how they were split across calls: the store can apply Kafka redeliveries and
 * out-of-order events blindly.
 *
 * Ties on equal `at` are broken by value (null lowest, then string/number comparison), never by
 * arrival order — otherwise two replicas applying the same updates in different orders would
 * disagree.
 */
export function applyUpdates(state: ObjectState | undefined, ref: ObjectRef, updates: readonly StateUpdate[]): ObjectState {
  // A Map (not an object) so that a property named "__proto__" is just a name.
  const props = new Map<string, Versioned>();
  if (state) {
    for (const [name, value] of Object.entries(state.properties)) {
      props.set(name, { value, at: state.propertyVersions[name] ?? 0 });
    }
  }
  let archived = { value: state?.archived ?? false, at: state?.archivedVersion ?? 0 };
  let merged = { value: state?.mergedIntoObjectId ?? null, at: state?.mergedVersion ?? 0 };
  let createdAt = state?.createdAt ?? null;
  let lastEventAt = state?.lastEventAt ?? null;
  let snapshotAt = state?.snapshotAt ?? null;
  const absorbed = new Set<number>(state?.mergedObjectIds ?? []);
  let privacyDeletedAt = state?.privacyDeletedAt ?? null;

  const setProperty = (name: string, value: string | null, at: number): void => {
    const current = props.get(name);
    if (!current || wins(at, value, current.at, current.value)) props.set(name, { value, at });
  };
  const setArchived = (value: boolean, at: number): void => {
    if (at > archived.at || (at === archived.at && value && !archived.value)) archived = { value, at };
  };

  for (const u of updates) {
    switch (u.kind) {
      case 'property':
        setProperty(u.name, u.value, u.at);
        break;
      case 'snapshot':
        for (const [name, value] of Object.entries(u.properties)) setProperty(name, value, u.at);
        if (u.archived !== undefined) setArchived(u.archived, u.at);
        if (u.createdAt !== undefined) createdAt = minOf(createdAt, u.createdAt);
        snapshotAt = maxOf(snapshotAt, u.at);
        break;
      case 'archived':
        setArchived(u.archived, u.at);
        break;
      case 'created':
        createdAt = minOf(createdAt, u.at);
        break;
      case 'merged':
        if (u.at > merged.at || (u.at === merged.at && (merged.value === null || u.into > merged.value))) {
          merged = { value: u.into, at: u.at };
        }
        break;
      case 'absorbed':
        for (const id of u.ids) absorbed.add(id);
        break;
      case 'privacyDeleted':
        privacyDeletedAt = minOf(privacyDeletedAt, u.at);
        break;
      case 'seen':
        lastEventAt = maxOf(lastEventAt, u.at);
        break;
      default:
        assertNever(u);
    }
  }

  // A privacy tombstone beats every timestamp: whatever arrives before or after it, the object
  // holds no property values and stays deleted. Applying it at the end (not as updates arrive)
  // keeps the result a function of the set of updates, so order still does not matter.
  const tombstoned = privacyDeletedAt !== null;
  // Sorted keys make the serialised JSON identical regardless of arrival order too.
  const names = tombstoned ? [] : [...props.keys()].sort();
  return {
    portalId: ref.portalId,
    objectType: ref.objectType,
    objectId: ref.objectId,
    properties: Object.fromEntries(names.map((n) => [n, props.get(n)?.value ?? null])),
    propertyVersions: Object.fromEntries(names.map((n) => [n, props.get(n)?.at ?? 0])),
    archived: archived.value || tombstoned,
    archivedVersion: archived.at,
    mergedIntoObjectId: merged.value,
    mergedVersion: merged.at,
    createdAt,
    lastEventAt,
    snapshotAt,
    mergedObjectIds: [...absorbed].sort((a, b) => a - b),
    privacyDeletedAt,
  };
}

/** True when two states carry the same information (used to skip no-op writes). */
export function sameState(a: ObjectState, b: ObjectState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface Versioned {
  value: string | null;
  at: number;
}

function wins(at: number, value: string | null, currentAt: number, currentValue: string | null): boolean {
  if (at !== currentAt) return at > currentAt;
  if (value === currentValue) return false;
  if (currentValue === null) return true;
  if (value === null) return false;
  return value > currentValue;
}

function minOf(a: number | null, b: number): number {
  return a === null ? b : Math.min(a, b);
}

function maxOf(a: number | null, b: number): number {
  return a === null ? b : Math.max(a, b);
}

function assertNever(x: never): never {
  throw new Error(`unknown state update ${JSON.stringify(x)}`);
}
