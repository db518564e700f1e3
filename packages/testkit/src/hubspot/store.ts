/** Canonical object type (contact, company, …, '2-123') for an API path segment or objectTypeId. */
const CANONICAL: ReadonlyMap<string, string> = new Map([
  ['contact', 'contact'],
  ['contacts', 'contact'],
  ['0-1', 'contact'],
  ['company', 'company'],
  ['companies', 'company'],
  ['0-2', 'company'],
  ['deal', 'deal'],
  ['deals', 'deal'],
  ['0-3', 'deal'],
  ['ticket', 'ticket'],
  ['tickets', 'ticket'],
  ['0-5', 'ticket'],
  ['product', 'product'],
  ['products', 'product'],
  ['0-7', 'product'],
  ['line_item', 'line_item'],
  ['line_items', 'line_item'],
  ['0-8', 'line_item'],
]);

/** The fake's own mapping, deliberately independent of @hookstream/hubspot's, so a bug there shows. */
export function canonicalObjectType(pathOrType: string): string | undefined {
  const known = CANONICAL.get(pathOrType.toLowerCase());
  if (known !== undefined) return known;
  return /^2-\d+$/.test(pathOrType) ? pathOrType : undefined;
}

export interface StoredObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

export interface UpsertInput {
  id: string | number;
  properties: Record<string, string | null>;
  createdAt?: string;
  updatedAt?: string;
  archived?: boolean;
}

export interface ObjectStore {
  upsert(portalId: number, objectType: string, obj: UpsertInput): void;
  archive(portalId: number, objectType: string, id: string | number): void;
  /** portalId undefined (token accepted without a portal) searches every portal. */
  get(portalId: number | undefined, objectType: string, id: string): StoredObject | undefined;
}

export function createObjectStore(now: () => number): ObjectStore {
  const byPortal = new Map<number, Map<string, Map<string, StoredObject>>>();

  const table = (portalId: number, objectType: string): Map<string, StoredObject> => {
    const type = canonicalObjectType(objectType);
    if (type === undefined) throw new Error(`fake HubSpot: unknown object type "${objectType}"`);
    let types = byPortal.get(portalId);
    if (!types) byPortal.set(portalId, (types = new Map()));
    let objects = types.get(type);
    if (!objects) types.set(type, (objects = new Map()));
    return objects;
  };

  return {
    upsert(portalId, objectType, obj) {
      const objects = table(portalId, objectType);
      const id = String(obj.id);
      const stamp = new Date(now()).toISOString();
      const prev = objects.get(id);
      const next: StoredObject = {
        id,
        // Like a HubSpot update, properties not mentioned keep their values.
        properties: { ...(prev?.properties ?? {}), ...obj.properties },
        createdAt: obj.createdAt ?? prev?.createdAt ?? stamp,
        updatedAt: obj.updatedAt ?? stamp,
        archived: obj.archived ?? false,
      };
      if (next.archived) next.archivedAt = prev?.archivedAt ?? stamp;
      objects.set(id, next);
    },
    archive(portalId, objectType, id) {
      const objects = table(portalId, objectType);
      const prev = objects.get(String(id));
      if (!prev) return;
      objects.set(prev.id, { ...prev, archived: true, archivedAt: new Date(now()).toISOString() });
    },
    get(portalId, objectType, id) {
      const type = canonicalObjectType(objectType);
      if (type === undefined) return undefined;
      if (portalId !== undefined) return byPortal.get(portalId)?.get(type)?.get(id);
      for (const types of byPortal.values()) {
        const hit = types.get(type)?.get(id);
        if (hit) return hit;
      }
      return undefined;
    },
  };
}
