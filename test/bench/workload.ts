import { signedHeaders, eventKey, type HubSpotEvent } from '@hookstream/hubspot';
import { encodeEnvelope, type LedgerEnvelope } from '@hookstream/kafka';

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

/** The generic source of test/bench/sources.yaml (served at POST /webhooks/sources/notifications). */
export const BENCH_SOURCES_FILE = 'test/bench/sources.yaml';
export const BENCH_SOURCE = 'notifications';
export const BENCH_SOURCE_KEY = 'bench-notifications-key-0123456789';

export interface Notification {
  event_id: number;
  timestamp: string;
  event_type: 'notification' | 'alert';
  description: string;
}

/**
 * A notifications service's stream, for the sources route: three notifications, then an
 * alert, each with a description of realistic length, so an event's JSON is about as long as
 * an import event's (see the bench's helper test). Deterministic in `i`; `seed` shifts
 * event_ids and timestamps as in importEvent, so deliveries made with different seeds never
 * share an event_id.
 */
export function notificationEvent(i: number, seed: number): Notification {
  const n = seed * 100_000_000 + i + 1;
  const common = { event_id: n, timestamp: new Date(BASE_TIME + seed * 1_000_000_000 + i).toISOString() };
  if (i % 4 === 3) {
    return {
      ...common,
      event_type: 'alert',
      description: `Disk usage on host-${String(n % 64).padStart(2, '0')} reached 91 % (/var/lib/kafka, 455 of 500 GiB); growing 2.1 GiB/h, full in about 21 h. Alert ${n}, severity warning, runbook: https://runbooks.example.com/disk-full`,
    };
  }
  return {
    ...common,
    event_type: 'notification',
    description: `Export ${n} finished for Jörg Lovelace-${n % 1000}: 1,204 contacts written to s3://exports-example/contacts-${n}.csv (312.4 KiB) in 4.2 s; the download link expires in 7 days.`,
  };
}

/**
 * A delivery as the notifications service sends it, with its API key: one event is sent as
 * the object itself (the sample's form), more as a JSON array (a batch).
 */
export function sourceDelivery(events: readonly Notification[]): SignedRequest {
  return { body: JSON.stringify(events.length === 1 ? events[0] : events), headers: { 'Content-Type': 'application/json', 'x-api-key': BENCH_SOURCE_KEY } };
}

/**
 * Kafka messages as the sources edge writes them for these events (envelope v2; key and
 * fields as in packages/providers/sources/src/edge.ts for this source: its idempotency key is
 * body.event_id, its occurredAt the timestamp, no tenant or subject). Only their size is used.
 */
export function sourceEnvelopesFor(events: readonly Notification[], receivedAt: number, requestId: string): Array<{ key: string; value: Buffer }> {
  return events.map((event) => {
    const id = String(event.event_id);
    const envelope: LedgerEnvelope = {
      v: 2,
      provider: 'sources',
      source: BENCH_SOURCE,
      receivedAt,
      requestId,
      auth: 'api_key',
      type: event.event_type,
      eventId: id,
      idempotencyKey: id,
      occurredAt: Date.parse(event.timestamp),
      tenant: null,
      subject: null,
      event,
    };
    return { key: `${BENCH_SOURCE}:${id}`, value: encodeEnvelope(envelope) };
  });
}
