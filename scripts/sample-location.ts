/**
 * The location part of `npm run sample`: a geofence around a depot, a user walking in and out
 * of it (the reference system's record shape), the entry and exit Hookstream derived, the
 * user's latest state, and the raw archive's copy of the first request.
 */
export interface LocationDemoOptions {
  edge: string;
  eventsApi: string;
  token: string;
  adminToken: string;
  key: string;
  out: (line: string) => void;
}

const DEPOT = { lon: -120.2302705, lat: 36.923764 };

export async function postLocationDemo(o: LocationDemoOptions): Promise<void> {
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });
  const fence = await fetch(`${o.eventsApi}/geofences/depots/sample-depot`, {
    method: 'PUT',
    headers: { ...auth(o.adminToken), 'content-type': 'application/json' },
    body: JSON.stringify({ description: 'Sample depot', type: 'circle', coordinates: [DEPOT.lon, DEPOT.lat], radius: 150 }),
  });
  o.out(`\nPUT ${o.eventsApi}/geofences/depots/sample-depot → ${fence.status}`);
  if (!fence.ok) process.exit(1);
  // The processors pick geofence changes up within GEOFENCE_REFRESH_MS (1 s).
  await new Promise((r) => setTimeout(r, 1500));

  const userId = `sample-driver-${Date.now()}`;
  const start = Date.now() - 60_000;
  const steps = [
    { lon: DEPOT.lon - 0.01, lat: DEPOT.lat },
    { lon: DEPOT.lon + 0.0002, lat: DEPOT.lat },
    { lon: DEPOT.lon + 0.01, lat: DEPOT.lat },
  ];
  let firstRequestId = '';
  for (const [i, p] of steps.entries()) {
    const body = {
      id: `${userId}-${i}`,
      created_at: new Date(start + i * 20_000).toISOString(),
      live: 'TRUE',
      type: 'user.updated_trip',
      MMUserId: userId,
      location: { type: 'Point', coordinates: { longitude: String(p.lon), latitude: String(p.lat) } },
      trip: { _id: `${userId}-trip`, externalId: 'sample-trip', startedAt: new Date(start).toISOString() },
    };
    const res = await fetch(`${o.edge}/webhooks/location/tracker`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': o.key },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    o.out(`POST ${o.edge}/webhooks/location/tracker (step ${i + 1} of ${steps.length}) → ${res.status} ${text}`);
    if (!res.ok) process.exit(1);
    if (i === 0) firstRequestId = String((JSON.parse(text) as { requestId?: string }).requestId ?? '');
  }

  for (const until = Date.now() + 30_000; ;) {
    const res = await fetch(`${o.eventsApi}/location/geofence-events?userId=${encodeURIComponent(userId)}`, { headers: auth(o.token) });
    const page = (await res.json()) as { events?: Array<{ type: string; occurredAt: string; geofence: { tag: string; externalId: string } }> };
    const events = page.events ?? [];
    if (events.length >= 2) {
      o.out(`\nGET ${o.eventsApi}/location/geofence-events?userId=${userId}:`);
      for (const e of events) o.out(`  ${e.occurredAt}  ${e.type.padEnd(24)} ${e.geofence.tag}/${e.geofence.externalId}`);
      break;
    }
    if (Date.now() > until) {
      o.out(`the geofence entry and exit did not appear within 30 s (${events.length} of 2); check the processor logs`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  o.out(`\nGET ${o.eventsApi}/location/users/${userId}:`);
  o.out(`  ${await (await fetch(`${o.eventsApi}/location/users/${encodeURIComponent(userId)}`, { headers: auth(o.token) })).text()}`);
  if (firstRequestId) {
    const archived = await fetch(`${o.eventsApi}/archive/${firstRequestId}`, { headers: auth(o.adminToken) });
    o.out(`\nGET ${o.eventsApi}/archive/${firstRequestId} → ${archived.status} (the raw request, byte for byte)`);
    o.out(`  ${(await archived.text()).slice(0, 300)}`);
  }
}
