import type { Association, AssociationKey, AssociationUpdate } from '../types.js';

/**
 * Associations converge like object state: per key, the newest (at, removed) wins, a removal
 * winning a tie on `at`. That total order makes the result independent of arrival order and
 * duplicates, so an add and a remove delivered in either order end the same way. The writer's
 * SQL upsert applies exactly this rule against the stored row (see write/associations.ts).
 */
export function associationWins(at: number, removed: boolean, current: { version: number; removed: boolean }): boolean {
  if (at !== current.version) return at > current.version;
  return removed && !current.removed;
}

export function associationKeyString(k: AssociationKey): string {
  return [k.portalId, k.fromObjectType, k.fromObjectId, k.toObjectType, k.toObjectId, k.associationType, k.isPrimary ? 1 : 0].join('\u0000');
}

/** Primary-key order of object_associations, so writers lock rows in one sequence. */
export function compareAssociationKeys(a: AssociationKey, b: AssociationKey): number {
  return (
    a.portalId - b.portalId ||
    Buffer.compare(Buffer.from(a.fromObjectType), Buffer.from(b.fromObjectType)) ||
    a.fromObjectId - b.fromObjectId ||
    Buffer.compare(Buffer.from(a.toObjectType), Buffer.from(b.toObjectType)) ||
    a.toObjectId - b.toObjectId ||
    Buffer.compare(Buffer.from(a.associationType), Buffer.from(b.associationType)) ||
    Number(a.isPrimary) - Number(b.isPrimary)
  );
}

/** Folds updates into stored associations; returns every key's winner, in primary-key order. */
export function applyAssociationUpdates(current: readonly Association[], updates: readonly AssociationUpdate[]): Association[] {
  const byKey = new Map<string, Association>();
  for (const a of current) byKey.set(associationKeyString(a), { ...a });
  for (const u of updates) {
    const k = associationKeyString(u);
    const prev = byKey.get(k);
    if (!prev || associationWins(u.at, u.removed, prev)) {
      byKey.set(k, {
        portalId: u.portalId,
        fromObjectType: u.fromObjectType,
        fromObjectId: u.fromObjectId,
        toObjectType: u.toObjectType,
        toObjectId: u.toObjectId,
        associationType: u.associationType,
        isPrimary: u.isPrimary,
        removed: u.removed,
        version: u.at,
      });
    }
  }
  return [...byKey.values()].sort(compareAssociationKeys);
}
