import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@hookstream/observability';
import { buildApp } from './app.js';
import { ADMIN_TOKEN, buildFullApp, READER_TOKEN } from './openapi/fixture.js';
import { missingSchemaParts, responseSchema, templateOf, toOpenApiPath, type OpenApiDoc } from './openapi/spec.js';
import { createFakeReader, fakeHubSpotApi, storedEvent } from './testing/fake-reader.js';

const ajv = new Ajv2020({ strict: false, validateFormats: false });

describe('GET /openapi.json', () => {
  let app: FastifyInstance;
  let doc: OpenApiDoc;

  beforeAll(async () => {
    app = await buildFullApp({ events: [storedEvent({ id: 1, occurredAt: 1_700_000_000_000, portalId: 7, objectId: 1 })] });
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json() as OpenApiDoc;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is a valid OpenAPI 3.1 document, served without a token', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route Fastify registered, with each of its methods', () => {
    const routes = app.registeredRoutes.filter((r) => !(r.schema as { hide?: boolean } | undefined)?.hide);
    // The fixture hosts every part: events, providers, admin, archive, console, probes.
    expect(routes.length).toBeGreaterThan(30);
    const absent = routes.filter((r) => !doc.paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.url}`);
    expect(absent).toEqual([]);
    // Routes whose schemas other modules write are picked up as they are registered.
    expect(doc.paths['/overview']?.get).toBeDefined();
    expect(doc.paths['/dead-letters/{topic}/redrive']?.post).toBeDefined();
    const documented = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(documented).toBe(routes.length);
  });

  it('has a schema for every route: path parameters, the body of a PUT or PATCH, its 2xx answers', () => {
    const lacking = app.registeredRoutes
      .filter((r) => !(r.schema as { hide?: boolean } | undefined)?.hide)
      .flatMap((r) => {
        const missing = missingSchemaParts(r);
        return missing.length ? [`${r.method} ${r.url}: ${missing.join(', ')}`] : [];
      });
    expect(lacking).toEqual([]);
    // Ours all name their query string too, so an unknown parameter is a 400 (dead letters and the overview write their own).
    const ours = app.registeredRoutes.filter((r) => !/^\/(dead-letters|overview)/.test(r.url) && !(r.schema as { hide?: boolean } | undefined)?.hide);
    expect(ours.filter((r) => !(r.schema as { querystring?: unknown } | undefined)?.querystring).map((r) => r.url)).toEqual([]);
  });

  it('answers every error in the `{code, message}` shape, documented on every operation', () => {
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const schema = responseSchema(op, 400) as { required?: string[] } | undefined;
        expect(schema?.required, `${method} ${path}`).toEqual(['code', 'message']);
      }
  });

  it('answers schema failures `{code, message}` naming the parameter, as the hand parsers did', async () => {
    const cases: Array<[string, number, string, string]> = [
      ['/events?limit=0', 400, 'BAD_REQUEST', 'limit: must be an integer between 1 and 1000'],
      ['/events?limit=5&limit=6', 400, 'BAD_REQUEST', 'limit: must be given once'],
      ['/events?portalID=5', 400, 'BAD_REQUEST', 'portalID: unknown parameter'],
      ['/events/0', 400, 'BAD_REQUEST', 'id: must be a positive integer'],
      ['/events/1?x=1', 400, 'BAD_REQUEST', 'x: unknown parameter'],
      ['/events/changes?after=', 400, 'BAD_REQUEST', 'after: must not be empty (omit it to start from the beginning)'],
      ['/portals/7/objects/contact%3B/1', 400, 'BAD_REQUEST', 'objectType: must be an object type such as contact, deal or 2-1234567'],
      ['/portals/7/objects/contact/1/associations?includeRemoved=yes', 400, 'BAD_REQUEST', 'includeRemoved: must be true or false'],
      ['/deals/CRM/D-1', 400, 'BAD_REQUEST', 'provider: must be a crm source name (lower-case letters, digits, _ or -)'],
      ['/deals/crm/D-1?verbose=1', 400, 'BAD_REQUEST', 'verbose: unknown parameter'],
      ['/deals/crm/%20D-1', 400, 'BAD_REQUEST', 'dealId: must be 1-128 characters without control characters or outer spaces'],
      ['/deals/crm/D-1/timeline?limit=1001', 400, 'BAD_REQUEST', 'limit: must be an integer between 1 and 1000'],
      ['/location/users/u1/track?limit=10001', 400, 'BAD_REQUEST', 'limit: must be an integer between 1 and 10000'],
      ['/location/users/u1?source=A', 400, 'BAD_REQUEST', 'source: must be a location source name (lower-case letters, digits, _ or -)'],
      ['/geofences?tag=a%20b', 400, 'BAD_REQUEST', 'tag: must be 1-128 letters, digits and _ . : -'],
      ['/endpoints?limit=x', 400, 'BAD_REQUEST', 'limit: must be an integer between 1 and 1000'],
      ['/endpoints/ep_a/deliveries?status=lost', 400, 'BAD_REQUEST', 'status: takes pending, succeeded, dead (comma-separated)'],
      ['/archive/r1?format=xml', 400, 'BAD_REQUEST', 'format: must be raw or json'],
    ];
    for (const [url, status, code, message] of cases) {
      const token = /^\/(endpoints|archive)/.test(url) ? ADMIN_TOKEN : READER_TOKEN;
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      expect({ url, status: res.statusCode, body: res.json() as unknown }).toEqual({ url, status, body: { code, message } });
      const op = doc.paths[templateOf(doc, url.split('?')[0] as string) ?? '']?.get;
      expect(op, url).toBeDefined();
      expect(ajv.validate(responseSchema(op!, status) as object, res.json()), `${url}: ${ajv.errorsText()}`).toBe(true);
    }
  });

  it('fails the check for a route added without a schema', async () => {
    const bare = await buildFullApp();
    bare.get('/unschemed/:id', async () => ({ ok: true }));
    bare.post('/half', { schema: { querystring: { type: 'object', properties: {} } } }, async () => ({ ok: true }));
    await bare.ready();
    const lacking = bare.registeredRoutes.filter((r) => r.url === '/unschemed/:id' || r.url === '/half').map((r) => missingSchemaParts(r));
    expect(lacking).toEqual([['a 2xx response', 'params'], ['a 2xx response']]);
    await bare.close();
  });

  it('stays valid with the admin API off (its placeholder routes are left out)', async () => {
    const off = await buildApp({
      config: { EVENTS_API_TOKENS: [READER_TOKEN] },
      ...fakeHubSpotApi(createFakeReader([])),
      log: createLogger({ name: 'openapi-test', level: 'silent' }),
      ready: async () => true,
    });
    const offDoc = (await off.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApiDoc;
    expect((await new Validator().validate(offDoc as unknown as Record<string, unknown>)).valid).toBe(true);
    expect(offDoc.paths['/endpoints']).toBeUndefined();
    expect((await off.inject({ method: 'GET', url: '/endpoints', headers: { authorization: `Bearer ${READER_TOKEN}` } })).statusCode).toBe(404);
    await off.close();
  });
});
