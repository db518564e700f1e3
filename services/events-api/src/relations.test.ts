import { createLogger } from '@hookstream/observability';
import type { Association } from '@hookstream/hubspot';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { createFakeReader, fakeHubSpotApi, type FakeReader, type FakeRelations } from './testing/fake-reader.js';

const TOKEN = 'tok_aaaaaaaaaaaaaaaa';
const auth = { authorization: `Bearer ${TOKEN}` };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(reader: FakeReader): Promise<FastifyInstance> {
  app = await buildApp({
    config: { EVENTS_API_TOKENS: [TOKEN] },
    ...fakeHubSpotApi(reader),
    log: createLogger({ name: 'test', level: 'silent' }),
    ready: async () => true,
  });
  return app;
}

async function get(a: FastifyInstance, url: string) {
  const res = await a.inject({ method: 'GET', url, headers: auth });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

const assoc = (toObjectId: number, over: Partial<Association> = {}): Association => ({
  portalId: 62515,
  fromObjectType: 'contact',
  fromObjectId: 1,
  toObjectType: 'company',
  toObjectId,
  associationType: 'CONTACT_TO_COMPANY',
  isPrimary: false,
  removed: false,
  version: 1000,
  ...over,
});

describe('GET /portals/:portalId/objects/:objectType/:objectId/associations', () => {
  const relations: FakeRelations = {
    associations: [
      assoc(7),
      assoc(7, { isPrimary: true, removed: true }),
      assoc(8),
      assoc(9, { toObjectType: 'deal', associationType: 'CONTACT_TO_DEAL' }),
      assoc(5, { fromObjectId: 2 }),
    ],
  };

  it('lists current associations, pages with a cursor, and includes removed ones on request', async () => {
    const a = await build(createFakeReader([], [], relations));
    const first = await get(a, '/portals/62515/objects/contact/1/associations?limit=2');
    expect(first.status).toBe(200);
    expect((first.body.associations as Association[]).map((x) => [x.toObjectType, x.toObjectId])).toEqual([
      ['company', 7],
      ['company', 8],
    ]);
    const next = await get(a, `/portals/62515/objects/contact/1/associations?limit=2&cursor=${String(first.body.nextCursor)}`);
    expect((next.body.associations as Association[]).map((x) => x.toObjectId)).toEqual([9]);
    expect(next.body.nextCursor).toBeNull();

    const all = await get(a, '/portals/62515/objects/contact/1/associations?includeRemoved=true');
    expect((all.body.associations as Association[]).map((x) => [x.toObjectId, x.isPrimary, x.removed])).toEqual([
      [7, false, false],
      [7, true, true],
      [8, false, false],
      [9, false, false],
    ]);
  });

  it('refuses bad parameters and a cursor issued for another includeRemoved', async () => {
    const a = await build(createFakeReader([], [], relations));
    expect((await get(a, '/portals/62515/objects/contact/1/associations?includeRemoved=yes')).body).toEqual({
      code: 'BAD_REQUEST',
      message: 'includeRemoved: must be true or false',
    });
    const first = await get(a, '/portals/62515/objects/contact/1/associations?limit=1');
    const wrong = await get(a, `/portals/62515/objects/contact/1/associations?includeRemoved=true&cursor=${String(first.body.nextCursor)}`);
    expect(wrong.status).toBe(400);
    expect(String(wrong.body.message)).toMatch(/^cursor: was issued for includeRemoved=false/);
    expect((await get(a, '/portals/62515/objects/contact/1/associations?cursor=bm9wZQ')).status).toBe(400);
    expect((await get(a, '/portals/62515/objects/contact/1/associations?foo=1')).status).toBe(400);
  });
});

describe('GET /portals/:portalId/contacts/:contactId/lifecycle', () => {
  it('returns the history, 404 for an unknown contact', async () => {
    const entries = [{ stage: 'lead', at: 5, eventId: 2, subscriptionType: 'contact.propertyChange', source: 'propertyChange' as const }];
    const a = await build(createFakeReader([], [], { lifecycle: new Map([['62515:contact:1', entries]]) }));
    expect(await get(a, '/portals/62515/contacts/1/lifecycle')).toEqual({ status: 200, body: entries });
    expect((await get(a, '/portals/62515/contacts/2/lifecycle')).status).toBe(404);
    expect((await get(a, '/portals/62515/contacts/x/lifecycle')).status).toBe(400);
  });
});

describe('GET /stats/subscription-types', () => {
  it('marks undocumented types as unknown and totals them', async () => {
    const reader = createFakeReader([], [], {
      stats: [
        { subscriptionType: 'contact.creation', events: 10, firstOccurredAt: 1, lastOccurredAt: 2 },
        { subscriptionType: 'contact.somethingNew', events: 3, firstOccurredAt: 1, lastOccurredAt: 2 },
        { subscriptionType: 'event.completed', events: 2, firstOccurredAt: 1, lastOccurredAt: 2 },
      ],
    });
    const a = await build(reader);
    const r = await get(a, '/stats/subscription-types?portalId=62515&from=2026-01-01');
    expect(r.status).toBe(200);
    expect(r.body.unknown).toEqual({ types: 2, events: 5 });
    expect((r.body.subscriptionTypes as Array<{ subscriptionType: string; known: boolean }>).map((s) => [s.subscriptionType, s.known])).toEqual([
      ['contact.creation', true],
      ['contact.somethingNew', false],
      ['event.completed', false],
    ]);
    expect(reader.statsCalls).toEqual([{ portalId: 62515, from: Date.parse('2026-01-01T00:00:00Z') }]);
    expect((await get(a, '/stats/subscription-types?from=5&to=4')).status).toBe(400);
  });
});
