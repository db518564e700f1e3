/** Identifies one CRM object's state row. `objectType` is canonical: contact, company, deal, …, or `2-NNN`. */
export interface ObjectRef {
  portalId: number;
  objectType: string;
  objectId: number;
}

/** The columns every stored event has, whichever side (write or read) looks at it. */
export interface EventFields {
  provider: string;
  portalId: number;
  appId: number | null;
  subscriptionId: number;
  eventId: number;
  subscriptionType: string;
  objectType: string;
  objectTypeId: string | null;
  objectId: number;
  occurredAt: number;
  receivedAt: number;
  attemptNumber: number;
  changeSource: string | null;
  changeFlag: string | null;
  propertyName: string | null;
  propertyValue: string | null;
  requestId: string | null;
  /** The envelope's traceparent, kept in the ledger row (docs/tracing.md). */
  traceparent?: string | null;
  raw: unknown;
}

export type EnrichmentState = 'pending' | 'enriched' | 'not_found' | 'skipped';

export const ENRICHMENT_STATES: readonly EnrichmentState[] = ['pending', 'enriched', 'not_found', 'skipped'];

/** Latest known state of one CRM object, merged from events and snapshots that may arrive in any order. */
export interface ObjectState {
  portalId: number;
  objectType: string;
  objectId: number;
  properties: Record<string, string | null>;
  /** Property name -> epoch ms of the information that set its current value. */
  propertyVersions: Record<string, number>;
  archived: boolean;
  archivedVersion: number;
  mergedIntoObjectId: number | null;
  mergedVersion: number;
  createdAt: number | null;
  lastEventAt: number | null;
  snapshotAt: number | null;
  /** Ids merged into this object (it survived their merge), ascending. */
  mergedObjectIds: number[];
  /**
   * Set once a privacy deletion (GDPR) was received: properties stay empty, later values are
   * dropped and the object stays archived, whatever the timestamps say. Earliest such event.
   */
  privacyDeletedAt: number | null;
}

/** A piece of information about one object, stamped with the time it was true (`at`, epoch ms). */
export type StateUpdate =
  | { kind: 'property'; name: string; value: string | null; at: number }
  | { kind: 'snapshot'; properties: Record<string, string | null>; at: number; createdAt?: number; archived?: boolean }
  /** Deletion (true) or restore (false). */
  | { kind: 'archived'; archived: boolean; at: number }
  | { kind: 'created'; at: number }
  | { kind: 'merged'; into: number; at: number }
  /** This object survived a merge of `ids` into it. */
  | { kind: 'absorbed'; ids: number[]; at: number }
  /** Privacy deletion: personal data must go and never come back. */
  | { kind: 'privacyDeleted'; at: number }
  /** Sent for every event: `lastEventAt` becomes the max. */
  | { kind: 'seen'; at: number };

export interface StateChange {
  ref: ObjectRef;
  updates: StateUpdate[];
}

/** Identity of one directed association (a row of object_associations). */
export interface AssociationKey {
  portalId: number;
  fromObjectType: string;
  fromObjectId: number;
  toObjectType: string;
  toObjectId: number;
  /** Legacy name (CONTACT_TO_COMPANY) or `<category>:<typeId>` of generic events. */
  associationType: string;
  isPrimary: boolean;
}

/** An association added (removed=false) or removed, stamped with HubSpot's occurredAt. */
export interface AssociationUpdate extends AssociationKey {
  removed: boolean;
  at: number;
}

/** Stored association: the newest (version, removed) information for its key. */
export interface Association extends AssociationKey {
  removed: boolean;
  /** occurredAt of the event that decided the current value. */
  version: number;
}
