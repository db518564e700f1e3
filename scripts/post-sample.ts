/**
 * `npm run sample`: posts one signed HubSpot delivery (v3 signature, like HubSpot) to the
 * local edge, then reads the events back from events-api until they are stored and enriched;
 * then posts a notification to the sample generic source and reads it back from the ledger.
 * Before posting it registers a local endpoint, so the same events also come back relayed by
 * the dispatcher, signed; it prints them and removes the endpoint. Last, it posts the CRM
 * reference system's demo deal (Qualified, then Committed) and shows the actions that went out:
 * Meta "Lead" and "Purchase" events and the Brevo e-mail. Then a location demo: a geofence,
 * a user walking in and out of it, the entry and exit it derived, and the raw archive's copy.
 * Uses the same defaults as `npm start`; override with EDGE_URL, EVENTS_API_URL,
 * HUBSPOT_CLIENT_SECRET, EVENTS_API_TOKENS, ADMIN_API_TOKENS and PUBLIC_URL.
 */
import { signedHeaders } from '@hookstream/hubspot';
import { createEventsClient } from '@hookstream/client';
import { LOCAL } from './local-defaults.js';
import { postLocationDemo } from './sample-location.js';
import { SAMPLE_CONTACTS } from './sample-data.js';
import { startSampleEndpoint, type RelayedEvent } from './sample-endpoint.js';

const env = process.env;
const edge = env.EDGE_URL ?? `http://localhost:${LOCAL.edgePort}`;
const eventsApi = env.EVENTS_API_URL ?? `http://localhost:${LOCAL.eventsApiPort}`;
const secret = env.HUBSPOT_CLIENT_SECRET ?? LOCAL.clientSecret;
const token = (env.EVENTS_API_TOKENS ?? LOCAL.eventsApiToken).split(',')[0]?.split('@')[0] ?? '';
// The edge checks v3 signatures against the URL HubSpot called: PUBLIC_URL when set.
const signedUrl = `${(env.PUBLIC_URL ?? edge).replace(/\/$/, '')}/webhooks/hubspot`;
const out = (line: string) => process.stdout.write(`${line}\n`);

const relayed: RelayedEvent[] = [];
const endpoint = await startSampleEndpoint({
  eventsApi,
  adminToken: (env.ADMIN_API_TOKENS ?? LOCAL.adminToken).split(',')[0] ?? '',
  // Any free port: `npm run receiver` may hold the usual one.
  port: 0,
  description: 'npm run sample',
  onEvent: (e) => relayed.push(e),
});
out(`registered endpoint ${endpoint.id} → ${endpoint.url}`);

const now = Date.now();
const base = Math.floor(now / 1000) * 1000;
const [ada, grace] = SAMPLE_CONTACTS;
const events = [
  {
    eventId: base + 1,
    subscriptionId: 101,
    portalId: LOCAL.samplePortalId,
    appId: 1,
    occurredAt: now - 3000,
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: ada.id,
    changeSource: 'CRM_UI',
    changeFlag: 'CREATED',
  },
  {
    eventId: base + 2,
    subscriptionId: 102,
    portalId: LOCAL.samplePortalId,
    appId: 1,
    occurredAt: now - 1000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: ada.id,
    propertyName: 'lifecyclestage',
    propertyValue: 'marketingqualifiedlead',
    changeSource: 'CRM_UI',
  },
  // Arrives after the change above but happened before it: events-api sorts by occurredAt.
  {
    eventId: base + 3,
    subscriptionId: 101,
    portalId: LOCAL.samplePortalId,
    appId: 1,
    occurredAt: now - 2000,
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: grace.id,
    changeSource: 'IMPORT',
    changeFlag: 'CREATED',
  },
];
const body = JSON.stringify(events);
const res = await fetch(`${edge}/webhooks/hubspot`, { method: 'POST', headers: signedHeaders({ secret, version: 'v3', url: signedUrl, body }), body });
out(`POST ${edge}/webhooks/hubspot → ${res.status} ${await res.text()}`);
if (!res.ok) process.exit(1);

const client = createEventsClient({ baseUrl: eventsApi, token });
const deadline = Date.now() + 30_000;
const wanted = new Set(events.map((e) => e.eventId));
for (;;) {
  const page = await client.listEvents({ portalId: LOCAL.samplePortalId, from: now - 10_000, order: 'asc', limit: 100 });
  const mine = page.events.filter((e) => wanted.has(e.eventId));
  if (mine.length === wanted.size && mine.every((e) => e.enrichment.state !== 'pending')) {
    out(`\nGET ${eventsApi}/events?portalId=${LOCAL.samplePortalId} (sorted by occurredAt):`);
    for (const e of mine) {
      const props = (e.enrichment.snapshot as { properties?: Record<string, string | null> } | null)?.properties;
      out(
        `  ${new Date(e.occurredAt).toISOString()}  ${e.subscriptionType.padEnd(24)} object ${e.objectId}  enrichment=${e.enrichment.state}${props ? `  ${props.firstname} ${props.lastname} <${props.email}>` : ''}`,
      );
    }
    const state = await client.objectState(LOCAL.samplePortalId, 'contact', ada.id);
    out(`\nGET ${eventsApi}/portals/${LOCAL.samplePortalId}/objects/contact/${ada.id}:\n  ${JSON.stringify(state)}`);
    break;
  }
  if (Date.now() > deadline) {
    out(`events not readable after 30 s (seen ${mine.length} of ${wanted.size}); check the processor logs`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 300));
}

// The generic source of the sample sources file: the reference system's notification payload.
const notification = {
  event_id: base + 4,
  timestamp: new Date(now - 500).toISOString(),
  event_type: 'notification',
  description: 'Sample notification from npm run sample',
};
const sourceUrl = `${edge}/webhooks/sources/notifications`;
const posted = await fetch(sourceUrl, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-api-key': env.SAMPLE_SOURCE_KEY ?? LOCAL.sampleSourceKey },
  body: JSON.stringify(notification),
});
out(`\nPOST ${sourceUrl} → ${posted.status} ${await posted.text()}`);
if (!posted.ok) process.exit(1);
for (const until = Date.now() + 30_000; ;) {
  const res = await fetch(`${eventsApi}/events?provider=sources&source=notifications&from=${now - 10_000}&limit=100`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const page = (await res.json()) as { events: Array<{ eventId: string; type: string; occurredAt: number }> };
  const stored = page.events?.find((e) => e.eventId === String(notification.event_id));
  if (stored) {
    out(
      `\nGET ${eventsApi}/events?provider=sources&source=notifications:\n  ${new Date(stored.occurredAt).toISOString()}  ${stored.type}  eventId ${stored.eventId}`,
    );
    break;
  }
  if (Date.now() > until) {
    out('the notification is not readable after 30 s; check the processor logs');
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 300));
}

// The dispatcher relays every stored event to the endpoint registered above: 3 HubSpot events and the notification.
for (const until = Date.now() + 30_000; ;) {
  const mine = relayed.filter((e) => e.verified);
  if (mine.length >= events.length + 1) {
    out(`\nrelayed to ${endpoint.url} (Standard Webhooks signature verified with the standardwebhooks library):`);
    for (const e of mine) out(`  ${e.webhookId.padEnd(40)} ${e.body.provider}/${e.body.source}  ${e.body.type}`);
    break;
  }
  if (Date.now() > until) {
    out(`only ${mine.length} of ${events.length + 1} events were relayed within 30 s; check the dispatcher logs`);
    await endpoint.close();
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 300));
}
await endpoint.close();

await postDemoDeal();
await postLocationDemo({
  edge,
  eventsApi,
  token,
  adminToken: (env.ADMIN_API_TOKENS ?? LOCAL.adminToken).split(',')[0] ?? '',
  key: env.SAMPLE_TRACKER_KEY ?? LOCAL.sampleTrackerKey,
  out,
});

/** The reference CRM system's demo deal, Qualified then Committed, and the actions each status triggered. */
async function postDemoDeal(): Promise<void> {
  const dealId = `D-${base}-XYZ`;
  const adminToken = (env.ADMIN_API_TOKENS ?? LOCAL.adminToken).split(',')[0] ?? '';
  const webhook = `${edge}/api/v1/webhook/crm`;
  for (const [status, xEvent] of [
    ['Qualified', 'deal_created'],
    ['Committed', 'deal_updated'],
  ] as const) {
    const res = await fetch(webhook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': env.SAMPLE_CRM_KEY ?? LOCAL.sampleCrmKey, 'x-event': xEvent },
      body: JSON.stringify(demoDeal(dealId, status)),
    });
    out(`\nPOST ${webhook} (x-event: ${xEvent}, status ${status}) → ${res.status} ${await res.text()}`);
    if (!res.ok) process.exit(1);
  }
  for (const until = Date.now() + 30_000; ;) {
    const page = (await (
      await fetch(`${eventsApi}/events?provider=crm&source=crm&from=${now - 10_000}&limit=100`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      events?: Array<{ id: number; eventId: string }>;
    };
    const mine = (page.events ?? []).filter((e) => e.eventId.startsWith(`${dealId}:`));
    const actions = await Promise.all(
      mine.map(async (e) => {
        const r = await fetch(`${eventsApi}/events/${e.id}/deliveries`, { headers: { authorization: `Bearer ${adminToken}` } });
        const body = (await r.json()) as {
          deliveries?: Array<{ endpointId: string; state: string; attempts: Array<{ status: number | null; outcome: string; externalId?: string | null }> }>;
        };
        return { eventId: e.eventId, deliveries: body.deliveries ?? [] };
      }),
    );
    const settled = actions.flatMap((a) => a.deliveries).filter((d) => d.state !== 'pending');
    // Qualified: the Meta Lead; Committed: the Meta Purchase and the e-mail.
    if (mine.length === 2 && settled.length >= 3) {
      out(`\nGET ${eventsApi}/events/:id/deliveries (the actions each status triggered):`);
      for (const a of actions)
        for (const d of a.deliveries) {
          const last = d.attempts[d.attempts.length - 1];
          out(`  ${a.eventId.padEnd(28)} ${d.endpointId.padEnd(40)} ${d.state}  HTTP ${last?.status ?? '-'}${last?.externalId ? `  ${last.externalId}` : ''}`);
        }
      out(`\nGET ${eventsApi}/deals/crm/${dealId}:`);
      out(`  ${await (await fetch(`${eventsApi}/deals/crm/${dealId}`, { headers: { authorization: `Bearer ${token}` } })).text()}`);
      return;
    }
    if (Date.now() > until) {
      out(`the deal's actions did not all settle within 30 s (${settled.length} of 3); check the dispatcher logs`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function demoDeal(dealId: string, status: string): unknown {
  return {
    status: 'success',
    message: 'Customer deal information retrieved successfully',
    data: {
      dealId,
      customer: { contactId: 'CUST-45678', firstName: 'John', lastName: 'Doe', email: 'john.doe@example.com', phoneNumber: '+1234567890' },
      dealDetails: { dealName: 'The Grand Cypress Acquisition', dealValue: 12500000.0, currency: 'USD', status, closingDate: '2026-03-15' },
      propertyInformation: {
        propertyId: 'PROP-101122',
        address: '4509 Ocean View Dr, Suite 200',
        city: 'Coastal City',
        state: 'CA',
        zipCode: '90210',
        propertyType: 'Commercial Office',
        squareFootage: 15000,
      },
    },
  };
}
