import type { LedgerEvent, SubjectMatch } from '@hookstream/store';
import type { EventFields, ObjectRef } from './types.js';

/**
 * How HubSpot events sit in the cross-provider ledger: one source (`hubspot`), the portal as
 * tenant, the subscription type as type, `<objectType>:<objectId>` as subject, and the old
 * five-column unique key joined as idempotency key (HubSpot: eventId alone is not unique).
 */
export const HUBSPOT = 'hubspot';

export const hubspotTenant = (portalId: number): string => String(portalId);
export const hubspotSubject = (ref: Pick<ObjectRef, 'objectType' | 'objectId'>): string => `${ref.objectType}:${ref.objectId}`;

export function hubspotIdempotencyKey(e: Pick<EventFields, 'portalId' | 'subscriptionId' | 'eventId' | 'occurredAt' | 'objectId'>): string {
  return `${e.portalId}:${e.subscriptionId}:${e.eventId}:${e.occurredAt}:${e.objectId}`;
}

export function hubspotLedgerEvent(e: EventFields): LedgerEvent {
  return {
    provider: HUBSPOT,
    source: HUBSPOT,
    tenant: hubspotTenant(e.portalId),
    type: e.subscriptionType,
    subject: hubspotSubject(e),
    eventId: String(e.eventId),
    idempotencyKey: hubspotIdempotencyKey(e),
    occurredAt: e.occurredAt,
    receivedAt: e.receivedAt,
    requestId: e.requestId,
    ...(e.traceparent ? { traceparent: e.traceparent } : {}),
    raw: e.raw,
  };
}

/** An object type and/or id filter as a subject match (both: exact; one: prefix or suffix). */
export function hubspotSubjectMatch(objectType: string | undefined, objectId: number | undefined): SubjectMatch | undefined {
  if (objectType !== undefined && objectId !== undefined) return { eq: hubspotSubject({ objectType, objectId }) };
  if (objectType !== undefined) return { prefix: `${objectType}:` };
  if (objectId !== undefined) return { suffix: `:${objectId}` };
  return undefined;
}

/** The ledger's timeline index serves one HubSpot object's rows: equality on these three columns. */
export const HUBSPOT_OBJECT_WHERE = "e.provider = 'hubspot' AND e.tenant = ? AND e.subject = ?";
export const hubspotObjectParams = (ref: ObjectRef): [string, string] => [hubspotTenant(ref.portalId), hubspotSubject(ref)];
