import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '@hookstream/observability';
import { buildApp } from './app.js';
import { createFakeReader, fakeHubSpotApi, storedEvent } from './testing/fake-reader.js';

const ALL = 'tok_all_aaaaaaaaaaaa';
const PORTAL_101 = 'tok_p101_aaaaaaaaaaa';
const SOURCES_ONLY = 'tok_src_aaaaaaaaaaaa';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(): Promise<FastifyInstance> {
  const events = [storedEvent({ id: 5, occurredAt: 1_700_000_000_000, portalId: 100 }), storedEvent({ id: 9, occurredAt: 1_700_000_001_000, portalId: 101 })];
  app = await buildApp({
    config: { EVENTS_API_TOKENS: [ALL, `${PORTAL_101}@portals=101`, `${SOURCES_ONLY}@providers=sources`] },
    ...fakeHubSpotApi(createFakeReader(events)),
    log: createLogger({ name: 'test', level: 'silent' }),
    ready: async () => true,
  });
  return app;
}

const get = async (a: FastifyInstance, url: string, token = ALL) => {
  const res = await a.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
};

describe('GET /events/:id', () => {
  it("answers one event by its ledger id in its provider's JSON", async () => {
    const a = await build();
    const r = await get(a, '/events/9');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 9, portalId: 101 });
  });

  it('is 404 for an id with no event, and 400 for one that is no id', async () => {
    const a = await build();
    expect((await get(a, '/events/7')).status).toBe(404);
    expect((await get(a, '/events/0')).status).toBe(400);
    expect((await get(a, '/events/abc')).status).toBe(400);
    expect((await get(a, '/events/5?x=1')).status).toBe(400);
  });

  it('hides what a scoped token may not read, as if it did not exist', async () => {
    const a = await build();
    expect((await get(a, '/events/9', PORTAL_101)).status).toBe(200);
    expect((await get(a, '/events/5', PORTAL_101)).status).toBe(404);
    expect((await get(a, '/events/9', SOURCES_ONLY)).status).toBe(404);
  });
});
