import type { HubSpotEvent } from './events.js';
import { objectTypeForId } from './object-types.js';

/** One directed association between two objects, as an associationChange event states it. */
export interface AssociationFact {
  fromObjectType: string;
  fromObjectId: number;
  toObjectType: string;
  toObjectId: number;
  /**
   * Legacy events: HubSpot's name, e.g. `CONTACT_TO_COMPANY`. Generic events:
   * `<associationCategory>:<associationTypeId>`, e.g. `HUBSPOT_DEFINED:279`.
   */
  associationType: string;
  isPrimary: boolean;
  removed: boolean;
}

/** Legacy association names use these object names on each side of `_TO_`. */
const LEGACY_NAMES: ReadonlyMap<string, string> = new Map([
  ['CONTACT', 'contact'],
  ['COMPANY', 'company'],
  ['DEAL', 'deal'],
  ['TICKET', 'ticket'],
  ['LINE_ITEM', 'line_item'],
  ['PRODUCT', 'product'],
]);
const LEGACY_TOKEN = /^[A-Z][A-Z_]{0,63}$/;

function id(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^[0-9]{1,16}$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

function legacyObject(token: string): string | undefined {
  const known = LEGACY_NAMES.get(token);
  if (known !== undefined) return known;
  // Undocumented names (e.g. QUOTE) keep a readable lower-case name.
  return LEGACY_TOKEN.test(token) ? token.toLowerCase() : undefined;
}

/**
 * The association facts an associationChange event carries: none when it names no usable pair.
 *
 * - Generic events (fromObjectTypeId/toObjectTypeId/associationTypeId): one fact. HubSpot fires a
 *   second event for the other side itself, with that side's own type id.
 * - Legacy events (associationType `X_TO_Y`): the fact and its mirror `Y_TO_X` with the same flags,
 *   so both directions are readable even when only one side's subscription exists. When HubSpot
 *   also sends the other side, it is the same row again (idempotent).
 */
export function associationFactsOf(e: HubSpotEvent): AssociationFact[] {
  const fromObjectId = id(e.fromObjectId);
  const toObjectId = id(e.toObjectId);
  if (fromObjectId === undefined || toObjectId === undefined) return [];
  const removed = e.associationRemoved === true;
  const isPrimary = e.isPrimaryAssociation === true;

  const fromTypeId = typeof e.fromObjectTypeId === 'string' ? e.fromObjectTypeId : undefined;
  const toTypeId = typeof e.toObjectTypeId === 'string' ? e.toObjectTypeId : undefined;
  const typeId = id(e.associationTypeId);
  if (fromTypeId !== undefined && toTypeId !== undefined && typeId !== undefined) {
    const category = typeof e.associationCategory === 'string' && /^[A-Z_]{1,40}$/.test(e.associationCategory) ? e.associationCategory : 'UNKNOWN';
    return [
      {
        fromObjectType: canonicalTypeId(fromTypeId),
        fromObjectId,
        toObjectType: canonicalTypeId(toTypeId),
        toObjectId,
        associationType: `${category}:${typeId}`,
        isPrimary,
        removed,
      },
    ];
  }

  // 100 characters is the stored column's limit; no documented name comes close.
  const name = typeof e.associationType === 'string' && e.associationType.length <= 100 ? e.associationType : undefined;
  const at = name?.indexOf('_TO_') ?? -1;
  if (name === undefined || at <= 0) return [];
  const fromToken = name.slice(0, at);
  const toToken = name.slice(at + 4);
  const fromObjectType = legacyObject(fromToken);
  const toObjectType = legacyObject(toToken);
  if (fromObjectType === undefined || toObjectType === undefined) return [];
  const fact: AssociationFact = { fromObjectType, fromObjectId, toObjectType, toObjectId, associationType: name, isPrimary, removed };
  const mirror: AssociationFact = {
    fromObjectType: toObjectType,
    fromObjectId: toObjectId,
    toObjectType: fromObjectType,
    toObjectId: fromObjectId,
    associationType: `${toToken}_TO_${fromToken}`,
    isPrimary,
    removed,
  };
  return [fact, mirror];
}

function canonicalTypeId(typeId: string): string {
  // Types we have no name for (0-47 meetings, …) keep their raw id, like objectTypeOf does.
  return objectTypeForId(typeId) ?? typeId;
}

/** What a merge event says: which ids are gone and which record survives. */
export interface MergeFact {
  /** The record that remains: `newObjectId` when HubSpot created a new record, else `primaryObjectId`. */
  survivorId: number;
  primaryObjectId: number;
  /** Every id that no longer exists on its own (merged ids, plus the primary when a new record replaced it). */
  mergedAwayIds: number[];
  newObjectId: number | null;
  numberOfPropertiesMoved: number | null;
}

/**
 * Merge fields (changelog "New subscription types for webhooks"): `primaryObjectId` wins,
 * `mergedObjectIds` lose, and `newObjectId` is set when "a new object is created as a result of
 * the merge". Missing primaryObjectId falls back to the event's objectId.
 */
export function mergeFactOf(e: HubSpotEvent): MergeFact {
  const primaryObjectId = id(e.primaryObjectId) ?? e.objectId;
  const newId = id(e.newObjectId);
  const newObjectId = newId !== undefined && newId !== primaryObjectId ? newId : null;
  const survivorId = newObjectId ?? primaryObjectId;
  const merged = Array.isArray(e.mergedObjectIds) ? e.mergedObjectIds.map(id).filter((v): v is number => v !== undefined) : [];
  if (newObjectId !== null) merged.push(primaryObjectId);
  const mergedAwayIds = [...new Set(merged)].filter((m) => m !== survivorId).sort((a, b) => a - b);
  const moved = id(e.numberOfPropertiesMoved);
  return { survivorId, primaryObjectId, mergedAwayIds, newObjectId, numberOfPropertiesMoved: moved ?? null };
}
