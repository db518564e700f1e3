import { afterEach, describe, expect, it } from 'vitest';
import { startFakeHubSpot, type FakeHubSpot, type FakeHubSpotOptions } from './server.js';

let fake: FakeHubSpot | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(opts: FakeHubSpotOptions = {}): Promise<FakeHubSpot> {
  fake = await startFakeHubSpot(opts);
  return fake;
}

async function batchRead(
  f: FakeHubSpot,
  path: string,
  body: unknown,
  token = 'tok-1',
  query = 'archived=false',
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(`${f.url}/crm/v3/objects/${path}/batch/read?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

const ids = (...values: string[]) => values.map((id) => ({ id }));

describe('fake HubSpot batch read', () => {
  it('answers 200 with only requested properties plus the defaults, and rate-limit headers', async () => {
    const f = await start({ tokens: new Map([[1, 'tok-1']]) });
    f.upsertObject(1, 'contact', { id: 101, properties: { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com' } });
    f.upsertObject(1, 'contact', { id: '102', properties: { firstname: 'Alan', email: null } });
    const r = await batchRead(f, 'contacts', { inputs: ids('101', '102'), properties: ['firstname', 'email'], propertiesWithHistory: [] });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('COMPLETE');
    const results = r.json.results as Array<{ id: string; properties: Record<string, unknown>; archived: boolean }>;
    expect(results.map((o) => o.id)).toEqual(['101', '102']);
    expect(Object.keys(results[0]?.properties ?? {}).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate']);
    expect(results[0]?.properties.hs_object_id).toBe('101');
    expect(results[1]?.properties.email).toBeNull();
    expect(results[0]?.archived).toBe(false);
    expect(r.headers.get('x-hubspot-ratelimit-max')).toBe('100');
    expect(r.headers.get('x-hubspot-ratelimit-remaining')).toBe('99');
    expect(r.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    expect(f.calls).toEqual([
      { portalId: 1, objectType: 'contact', ids: ['101', '102'], properties: ['firstname', 'email'], status: 200, at: expect.any(Number) },
    ]);
  });

  it('answers 207 with OBJECT_NOT_FOUND for missing and archived ids', async () => {
    const f = await start();
    f.upsertObject(7, 'deal', { id: '267448862446', properties: { dealname: 'Big' } });
    f.upsertObject(7, 'deal', { id: '5', properties: {} });
    f.deleteObject(7, 'deal', 5);
    const r = await batchRead(f, 'deals', { inputs: ids('267448862446', '5', '999'), properties: ['dealname'] });
    expect(r.status).toBe(207);
    expect((r.json.results as unknown[]).length).toBe(1);
    expect(r.json.numErrors).toBe(1);
    expect(r.json.errors).toEqual([
      expect.objectContaining({
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        message: 'Could not get some DEAL objects, they may be deleted or not exist. Check that ids are valid.',
        context: { ids: ['5', '999'] },
      }),
    ]);
    const archived = await batchRead(f, 'deals', { inputs: ids('5'), properties: [] }, 'tok-1', 'archived=true');
    expect(archived.status).toBe(200);
    expect((archived.json.results as Array<{ archived: boolean }>)[0]?.archived).toBe(true);
  });

  it('answers 207 with empty results when nothing is found', async () => {
    const f = await start();
    const r = await batchRead(f, '0-1', { inputs: ids('1', '2'), properties: [] });
    expect(r.status).toBe(207);
    expect(r.json.results).toEqual([]);
    expect((r.json.errors as Array<{ context: unknown }>)[0]?.context).toEqual({ ids: ['1', '2'] });
  });

  it('accepts custom object type ids and rejects unknown types', async () => {
    const f = await start();
    f.upsertObject(3, '2-143967026', { id: 9, properties: { name: 'x' } });
    expect((await batchRead(f, '2-143967026', { inputs: ids('9'), properties: ['name'] })).status).toBe(200);
    const bad = await batchRead(f, 'widgets', { inputs: ids('9'), properties: [] });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', correlationId: expect.any(String) });
  });

  it('validates the body like HubSpot: at most 100 inputs, properties required', async () => {
    const f = await start();
    const tooMany = await batchRead(f, 'contacts', { inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })), properties: [] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', message: expect.stringContaining('100') });
    const noProps = await batchRead(f, 'contacts', { inputs: ids('1') });
    expect(noProps.status).toBe(400);
    expect(noProps.json.message).toContain('properties');
    const numericIds = await batchRead(f, 'contacts', { inputs: [{ id: 1 }], properties: [] });
    expect(numericIds.status).toBe(400);
    const history = await batchRead(f, 'contacts', {
      inputs: Array.from({ length: 51 }, (_, i) => ({ id: String(i) })),
      properties: [],
      propertiesWithHistory: ['firstname'],
    });
    expect(history.status).toBe(400);
  });

  it('rejects unknown tokens with 401 and keeps portals apart', async () => {
    const f = await start({
      tokens: new Map([
        [1, 'tok-1'],
        [2, 'tok-2'],
      ]),
    });
    f.upsertObject(1, 'company', { id: 11, properties: { name: 'One' } });
    f.upsertObject(2, 'company', { id: 22, properties: { name: 'Two' } });
    const denied = await batchRead(f, 'companies', { inputs: ids('11'), properties: [] }, 'nope');
    expect(denied.status).toBe(401);
    expect(denied.json).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    expect(denied.json.message).toMatch(/^Authentication credentials not found/);
    const p1 = await batchRead(f, 'companies', { inputs: ids('11', '22'), properties: ['name'] }, 'tok-1');
    expect((p1.json.results as Array<{ id: string }>).map((o) => o.id)).toEqual(['11']);
    expect(f.calls.map((c) => c.portalId)).toEqual([undefined, 1]);
  });

  it('serves scripted faults in order, then failAll until cleared', async () => {
    const f = await start();
    f.upsertObject(1, 'ticket', { id: 1, properties: {} });
    f.failNext(1, { status: 429, policyName: 'TEN_SECONDLY_ROLLING', retryAfterSeconds: 2 });
    f.failNext(1, { status: 503 });
    f.failNext(1, { status: 401 });
    const body = { inputs: ids('1'), properties: [] };
    const limited = await batchRead(f, 'tickets', body);
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      correlationId: expect.any(String),
      requestId: expect.any(String),
    });
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    expect((await batchRead(f, 'tickets', body)).status).toBe(503);
    expect((await batchRead(f, 'tickets', body)).status).toBe(401);
    expect((await batchRead(f, 'tickets', body)).status).toBe(200);
    f.failAll({ status: 500 });
    const failed = await batchRead(f, 'tickets', body);
    expect(failed.status).toBe(500);
    expect(failed.json).toMatchObject({ status: 'error', message: 'internal error' });
    expect((await batchRead(f, 'tickets', body)).status).toBe(500);
    f.clearFaults();
    expect((await batchRead(f, 'tickets', body)).status).toBe(200);
    expect(f.calls.map((c) => c.status)).toEqual([429, 503, 401, 200, 500, 500, 200]);
  });

  it('enforces its own rolling 10 s window per token', async () => {
    let t = 1_700_000_000_000;
    const f = await start({ rateLimitMax: 2, now: () => t });
    const body = { inputs: ids('1'), properties: [] };
    const first = await batchRead(f, 'contacts', body);
    expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('1');
    t += 5_000;
    expect((await batchRead(f, 'contacts', body)).headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    const third = await batchRead(f, 'contacts', body);
    expect(third.status).toBe(429);
    expect(third.json.policyName).toBe('TEN_SECONDLY_ROLLING');
    // Another token has its own window.
    expect((await batchRead(f, 'contacts', body, 'tok-other')).status).toBe(207);
    t += 5_001; // the first call left the window
    expect((await batchRead(f, 'contacts', body)).status).toBe(207);
  });

  it('upsert merges properties and keeps createdAt', async () => {
    let t = Date.UTC(2025, 0, 1);
    const f = await start({ now: () => t });
    f.upsertObject(1, 'contacts', { id: 1, properties: { firstname: 'A', lastname: 'B' } });
    t += 60_000;
    f.upsertObject(1, 'contact', { id: 1, properties: { firstname: 'C' } });
    const r = await batchRead(f, 'contacts', { inputs: ids('1'), properties: ['firstname', 'lastname'] });
    const obj = (r.json.results as Array<{ properties: Record<string, string>; createdAt: string; updatedAt: string }>)[0];
    expect(obj?.properties).toMatchObject({ firstname: 'C', lastname: 'B', createdate: '2025-01-01T00:00:00.000Z' });
    expect(obj?.createdAt).toBe('2025-01-01T00:00:00.000Z');
    expect(obj?.updatedAt).toBe('2025-01-01T00:01:00.000Z');
  });
});
