import { signedHeaders, eventKey, type HubSpotEvent } from '@hookstream/hubspot';
import { encodeEnvelope } from '@hookstream/kafka';

export const BENCH_PORTAL = 62515;
export const BENCH_SECRET = 'bench-client-secret-0123456789';
export const BENCH_HUBSPOT_TOKEN = 'bench-hubspot-token';
export const BENCH_API_TOKEN = 'bench-events-api-token-0123456789';

const APP_ID = 54321;
const BASE_TIME = 1_769_000_000_000;
const PROPERTY_CHANGES = [
  ['email', (o: number) => `contact${o}@example.com`],
  ['firstname', (o: number) => `Jörg ${o}`],
  ['lastname', (o: number) => `Lovelace-${o}`],
] as const;

/**
 * An import-like stream: every object gets a contact.creation followed by propertyChange
 * events for email, firstname and lastname (what a CSV import of contacts makes HubSpot send).
 * Event `i` is deterministic, so the same index always means the same event; `seed` shifts
 * eventIds and objectIds so separate runs never collide in one database.
 */
export function importEvent(i: number, seed: number): HubSpotEvent {
  const perObject = 1 + PROPERTY_CHANGES.length;
  const objectId = 1_000_000 + seed * 10_000_000 + Math.floor(i / perObject);
  const step = i % perObject;
  const common = {
    eventId: seed * 100_000_000 + i + 1,
    portalId: BENCH_PORTAL,
    appId: APP_ID,
    occurredAt: BASE_TIME + seed * 1_000_000_000 + i,
    attemptNumber: 0,
    objectId,
    changeSource: 'IMPORT',
    sourceId: 'import:4242',
  };
  if (step === 0) return { ...common, subscriptionId: 12345, subscriptionType: 'contact.creation', changeFlag: 'CREATED' };
  const change = PROPERTY_CHANGES[step - 1] as (typeof PROPERTY_CHANGES)[number];
  return { ...common, subscriptionId: 12346, subscriptionType: 'contact.propertyChange', propertyName: change[0], propertyValue: change[1](objectId) };
}

/** Distinct object ids among the first n events of importEvent(·, seed). */
export function importObjects(n: number, seed: number): number[] {
  const ids = new Set<number>();
  for (let i = 0; i < n; i++) ids.add(importEvent(i, seed).objectId);
  return [...ids];
}

/** The fake HubSpot's copy of a contact, with the properties the processor reads by default. */
export function contactProperties(objectId: number): Record<string, string> {
  return {
    email: `contact${objectId}@example.com`,
    firstname: `Jörg ${objectId}`,
    lastname: `Lovelace-${objectId}`,
    phone: '+49 30 1234567',
    lifecyclestage: 'lead',
    hs_object_id: String(objectId),
    createdate: new Date(BASE_TIME).toISOString(),
    lastmodifieddate: new Date(BASE_TIME).toISOString(),
  };
}

/** Kafka messages exactly as the edge writes them for these events. */
export function envelopesFor(events: readonly HubSpotEvent[], receivedAt: number, requestId: string): Array<{ key: string; value: Buffer }> {
  return events.map((event) => ({
    key: eventKey(event),
    value: encodeEnvelope({ v: 1, provider: 'hubspot', receivedAt, requestId, signatureVersion: 'v3', event }),
  }));
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * A v3-signed delivery for `url`. Signing belongs to HubSpot, so requests are signed before a
 * run, right before it: v3 timestamps are refused after 5 minutes.
 */
export function signDelivery(url: string, events: readonly HubSpotEvent[], now = Date.now()): SignedRequest {
  const body = JSON.stringify(events);
  const headers = signedHeaders({ secret: BENCH_SECRET, version: 'v3', method: 'POST', url, body, timestamp: now });
  return { body, headers };
}
