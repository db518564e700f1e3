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
});
