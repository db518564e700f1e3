import { Ajv2020 } from 'ajv/dist/2020.js';
import { createDeliveryStore } from '@hookstream/deliveries';
import { PROVIDERS, providerMigrations } from '@hookstream/providers';
import { createLedgerReader } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { testDatabase } from '@hookstream/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, buildFullApp, READER_TOKEN } from './openapi/fixture.js';
import { responseSchema, templateOf, type OpenApiDoc } from './openapi/spec.js';

/**
 * The document's response schemas against real answers of the routes a fake reader cannot
 * serve: the admin API, geofences, location and crm reads, on the real database. Every answer
 * below is checked against the schema the document gives its route and status.
 */
describe('/openapi.json against the admin API and the providers on the real database', () => {
  let store: MigratedStore;
  let app: FastifyInstance;
  let doc: OpenApiDoc;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const problems: string[] = [];
  const checked: string[] = [];

  beforeAll(async () => {
    // The providers' tables too (deals, location users, geofences).
    store = await openMigratedStore(await testDatabase(), 5, providerMigrations(PROVIDERS));
    app = await buildFullApp({}, { dataSource: store.ds, ledger: createLedgerReader(store.ds) });
    doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApiDoc;
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  /** One request, its answer checked against the document; the parsed body. */
  async function call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: object,
    token = ADMIN_TOKEN,
  ): Promise<{ status: number; body: unknown }> {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body } : {}) });
    const path = url.split('?')[0] as string;
    const template = templateOf(doc, path);
    const op = template ? doc.paths[template]?.[method.toLowerCase()] : undefined;
    const parsed = res.body ? (res.json() as unknown) : null;
    if (!op) problems.push(`${method} ${path}: not in the document`);
    else {
      const schema = responseSchema(op, res.statusCode);
      if (!schema && res.statusCode !== 204) problems.push(`${method} ${template} ${res.statusCode}: no documented schema`);
      else if (schema && !ajv.validate(schema as object, parsed)) problems.push(`${method} ${template} ${res.statusCode}: ${ajv.errorsText()}`);
      checked.push(`${method} ${template} ${res.statusCode}`);
    }
    return { status: res.statusCode, body: parsed };
  }

  it('answers the admin API as documented: endpoints, deliveries, retries, rotation', async () => {
    const created = (await call('POST', '/endpoints', { url: 'https://hooks.example.com/in', filter: { providers: ['sources'] }, rateLimitPerSecond: 5 }))
      .body as { id: string };
    expect(created.id).toMatch(/^ep_/);
    const deliveries = createDeliveryStore(store.ds);
    await deliveries.enqueue(
      [1, 2, 3].map((eventId) => ({ endpointId: created.id, eventId })),
      Date.now(),
    );
    await deliveries.record(
      [
        {
          attempt: {
            endpointId: created.id,
            eventId: 1,
            attempt: 1,
            startedAt: Date.now(),
            latencyMs: 12,
            outcome: 'failed',
            status: 500,
            error: 'HTTP 500',
            responseSnippet: 'oops',
          },
          state: 'dead',
          roundAttempts: 1,
          nextAttemptAt: Date.now(),
        },
      ],
      Date.now(),
    );
    expect((await call('GET', '/endpoints?limit=1')).status).toBe(200);
    expect((await call('GET', `/endpoints/${created.id}`)).status).toBe(200);
    expect((await call('PATCH', `/endpoints/${created.id}`, { description: 'changed', maxInFlight: 2 })).status).toBe(200);
    expect((await call('POST', `/endpoints/${created.id}/rotate-secret`)).status).toBe(200);
    const page = (await call('GET', `/endpoints/${created.id}/deliveries?limit=2&status=dead,pending`)).body as { deliveries: unknown[]; next: string };
    expect(page.deliveries).toHaveLength(2);
    expect((await call('GET', `/endpoints/${created.id}/deliveries?cursor=${page.next}`)).status).toBe(200);
    expect((await call('GET', '/events/1/deliveries')).status).toBe(200);
    expect((await call('POST', `/endpoints/${created.id}/deliveries/1/retry`)).status).toBe(200);
    expect((await call('POST', `/endpoints/${created.id}/retry`, { status: ['pending'], limit: 2 })).status).toBe(200);
    expect((await call('POST', '/endpoints', { url: 'https://hooks.example.com/x', secret: 's' })).status).toBe(422);
    expect((await call('GET', '/endpoints/ep_nope')).status).toBe(404);
    expect((await call('DELETE', `/endpoints/${created.id}`)).status).toBe(204);
    expect((await call('GET', '/archive/r-1')).status).toBe(503);
    expect(checked.length).toBe(14);
    expect(problems.splice(0)).toEqual([]);
  });

  it('answers geofences, location and crm reads as documented', async () => {
    const fence = { description: 'depot', type: 'circle', coordinates: [13.4, 52.5], radius: 100, metadata: { zone: 'a' } };
    const put = await call('PUT', '/geofences/depot/berlin', fence);
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    expect((await call('PUT', '/geofences/depot/berlin', { ...fence, radius: 200 })).status).toBe(200);
    expect((await call('PUT', '/geofences/depot/bad', { ...fence, radius: 1 })).status).toBe(422);
    expect((await call('GET', '/geofences?tag=depot', undefined, READER_TOKEN)).status).toBe(200);
    expect((await call('GET', '/geofences/depot/berlin', undefined, READER_TOKEN)).status).toBe(200);
    expect((await call('GET', '/location/geofence-events?limit=5', undefined, READER_TOKEN)).status).toBe(200);
    expect((await call('GET', '/location/users/u-1', undefined, READER_TOKEN)).status).toBe(404);
    expect((await call('GET', '/location/users/u-1/track', undefined, READER_TOKEN)).status).toBe(404);
    expect((await call('GET', '/location/trips/t-1', undefined, READER_TOKEN)).status).toBe(404);
    expect((await call('GET', '/deals/crm/D-1', undefined, READER_TOKEN)).status).toBe(404);
    expect((await call('GET', '/deals/crm/D-1/timeline', undefined, READER_TOKEN)).status).toBe(404);
    expect((await call('GET', '/events/changes?limit=1', undefined, READER_TOKEN)).status).toBe(200);
    expect((await call('DELETE', '/geofences/depot/berlin')).status).toBe(204);

    expect(checked.length).toBe(14 + 13);
    expect(problems.splice(0)).toEqual([]);
  });

  it('answers location users, tracks, trips and crm deals with data as documented', async () => {
    const t = 1_800_000_000_000;
    // Rows as the processors write them (user-writer, point-writer, trip-writer, deal-writer).
    await store.ds.query(
      `INSERT INTO location_users (source, user_id, device_id, live, lat, lon, accuracy, recorded_at, location_event_id, trip_id, first_seen_at, updated_at)
       VALUES ('radar', 'u-9', 'd-1', 1, 52.5, 13.4, 5.5, ?, 2, 'trip-1', ?, ?)`,
      [t + 1000, t, t + 1000],
    );
    await store.ds.query(
      `INSERT INTO location_points (event_id, source, user_id, device_id, lat, lon, accuracy, recorded_at, trip_id)
       VALUES (1, 'radar', 'u-9', 'd-1', 52.5, 13.4, NULL, ?, 'trip-1'), (2, 'radar', 'u-9', 'd-1', 52.51, 13.41, 5.5, ?, 'trip-1')`,
      [t, t + 1000],
    );
    await store.ds.query(
      `INSERT INTO location_trips (source, trip_id, external_id, user_id, status, status_rank, metadata, started_at, ended_at, created_at, updated_at, last_event_id)
       VALUES ('radar', 'trip-1', 'order-7', 'u-9', 'started', 1, ?, ?, NULL, ?, ?, 2)`,
      [JSON.stringify({ order: 7 }), t, t, t + 1000],
    );
    await store.ds.query(
      `INSERT INTO location_trip_transitions (source, trip_id, status, reached_at, event_id, event_type) VALUES ('radar', 'trip-1', 'started', ?, 1, 'user.started_trip')`,
      [t],
    );
    await store.ds.query(
      `INSERT INTO crm_deals (source, deal_id, status, status_rank, status_event_id, deal_details, customer, property, first_seen_at, last_event_at, updated_at)
       VALUES ('crm', 'D-7', 'Qualified', 2, 3, ?, ?, ?, ?, ?, ?)`,
      [JSON.stringify({ status: 'Qualified' }), JSON.stringify({ contactId: 'C-1' }), JSON.stringify({ propertyId: 'P-1' }), t, t, t],
    );
    await store.ds.query(
      `INSERT INTO crm_deal_status_history (source, deal_id, status, status_rank, event_type, reached_at, event_id, advanced) VALUES ('crm', 'D-7', 'Qualified', 2, 'deal_created', ?, 3, 1)`,
      [t],
    );
    const before = checked.length;
    const user = await call('GET', '/location/users/u-9', undefined, READER_TOKEN);
    expect(user, JSON.stringify(user.body)).toMatchObject({ status: 200, body: { userId: 'u-9', tripId: 'trip-1' } });
    const track = await call('GET', '/location/users/u-9/track?limit=5', undefined, READER_TOKEN);
    expect(track).toMatchObject({ status: 200, body: { properties: { points: 2 } } });
    expect(await call('GET', '/location/trips/trip-1', undefined, READER_TOKEN)).toMatchObject({ status: 200, body: { transitions: [{ status: 'started' }] } });
    expect(await call('GET', '/deals/crm/D-7', undefined, READER_TOKEN)).toMatchObject({ status: 200, body: { status: 'Qualified' } });
    expect(await call('GET', '/deals/crm/D-7/timeline', undefined, READER_TOKEN)).toMatchObject({ status: 200, body: { timeline: [{ status: 'Qualified' }] } });
    expect(checked.length - before).toBe(5);
    expect(problems.splice(0)).toEqual([]);
  });
});
