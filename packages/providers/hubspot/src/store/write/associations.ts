import type { QueryRunner } from 'typeorm';
import { StoreValidationError } from '@hookstream/store';
import { applyAssociationUpdates } from '../state/associations.js';
import type { AssociationUpdate } from '../types.js';

/**
 * Applies association updates newest-wins (see state/associations.ts). Updates of one batch are
 * first reduced in JS to one winner per key; each winner is then upserted with the same rule
 * against the stored row, one statement per row in primary-key order (so concurrent writers lock
 * rows in the same sequence). The ON DUPLICATE KEY UPDATE assignments read only the row's old
 * values — updated_at and removed are assigned before version — which holds on MySQL (left to
 * right) and on MariaDB with or without SIMULTANEOUS_ASSIGNMENT. No VALUES(), no row alias.
 */
export async function writeAssociations(qr: QueryRunner, updates: readonly AssociationUpdate[], now: number): Promise<void> {
  if (updates.length === 0) return;
  for (const u of updates) checkAssociation(u);
  const newer = '(version < ? OR (version = ? AND removed < ?))';
  for (const a of applyAssociationUpdates([], updates)) {
    const removed = a.removed ? 1 : 0;
    const cond = [a.version, a.version, removed];
    await qr.query(
      `INSERT INTO object_associations
         (portal_id, from_object_type, from_object_id, to_object_type, to_object_id, association_type, is_primary, removed, version, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE
         updated_at = IF(${newer}, ?, updated_at),
         removed = IF(${newer}, ?, removed),
         version = GREATEST(version, ?)`,
      [
        a.portalId,
        a.fromObjectType,
        a.fromObjectId,
        a.toObjectType,
        a.toObjectId,
        a.associationType,
        a.isPrimary ? 1 : 0,
        removed,
        a.version,
        now,
        ...cond,
        now,
        ...cond,
        removed,
        a.version,
      ],
    );
  }
}

function checkAssociation(u: AssociationUpdate): void {
  const bad = (why: string) => new StoreValidationError(`association ${u.fromObjectType}:${u.fromObjectId} -> ${u.toObjectType}:${u.toObjectId}: ${why}`);
  if (u.fromObjectType.length === 0 || u.fromObjectType.length > 64 || u.toObjectType.length === 0 || u.toObjectType.length > 64)
    throw bad('object type must be 1-64 characters');
  if (u.associationType.length === 0 || u.associationType.length > 100) throw bad('association type must be 1-100 characters');
  for (const n of [u.portalId, u.fromObjectId, u.toObjectId, u.at])
    if (!Number.isSafeInteger(n) || n < 0) throw bad('ids and times must be non-negative integers');
}
