import type { AddressInfo } from 'node:net';
import { createEventsClient, EventsApiError, type StoredEvent } from '@hookstream/client';
import { createLogger } from '@hookstream/observability';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { createFakeReader, fakeHubSpotApi, storedEvent } from './testing/fake-reader.js';

/**
 * @hookstream/client against the real events-api app over loopback HTTP (fake reader). It lives
 * here, not in packages/client, because packages must not depend on services.
 */
const TOKEN = 'client-contract-token-0123';
const events = Array.from({ length: 45 }, (_, i) =>
  storedEvent({ id: 500 + ((i * 11) % 45), occurredAt: 1_700_000_000_000 + (i % 6) * 1000, portalId: 7, objectId: 1 + (i % 3) }),
);
const state = {
  portalId: 7,
  objectType: 'contact',
  objectId: 1,
  properties: { email: 'a@b.io' },
  propertyVersions: { email: 5 },
  archived: false,
  archivedVersion: 0,
  mergedIntoObjectId: null,
  mergedVersion: 0,
  createdAt: null,
  lastEventAt: 5,
  snapshotAt: null,
  mergedObjectIds: [],
  privacyDeletedAt: null,
};

describe('@hookstream/client against events-api', () => {
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    const relations = {
      associations: [
        {
          portalId: 7,
          fromObjectType: 'contact',
          fromObjectId: 1,
          toObjectType: 'company',
          toObjectId: 9,
          associationType: 'CONTACT_TO_COMPANY',
          isPrimary: true,
          removed: true,
          version: 5,
        },
      ],
      lifecycle: new Map([
        ['7:contact:1', [{ stage: 'lead', at: 5, eventId: 3, subscriptionType: 'contact.propertyChange', source: 'propertyChange' as const }]],
      ]),
      stats: [{ subscriptionType: 'event.completed', events: 2, firstOccurredAt: 1, lastOccurredAt: 2 }],
    };
    app = await buildApp({
      config: { EVENTS_API_TOKENS: [TOKEN] },
      ...fakeHubSpotApi(createFakeReader(events, [state], relations)),
      log: createLogger({ name: 'client-test', level: 'silent' }),
      ready: async () => true,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('iterates every event in order across pages', async () => {
    const client = createEventsClient({ baseUrl, token: TOKEN });
    const got: StoredEvent[] = [];
    for await (const e of client.iterateEvents({ portalId: 7, order: 'desc', limit: 4, from: new Date(1_700_000_001_000) })) got.push(e);
    const want = events.filter((e) => e.occurredAt >= 1_700_000_001_000).sort((a, b) => b.occurredAt - a.occurredAt || b.id - a.id);
    expect(got.map((e) => e.id)).toEqual(want.map((e) => e.id));
  });

  it('reads pages, the changes feed, state and timeline', async () => {
    const client = createEventsClient({ baseUrl: `${baseUrl}/`, token: TOKEN });
    const page = await client.listEvents({ limit: 10 });
    expect(page.events).toHaveLength(10);
    expect(typeof page.nextCursor).toBe('string');
    const next = await client.listEvents({ limit: 10, cursor: page.nextCursor as string });
    expect(next.events[0]?.id).not.toBe(page.events[9]?.id);

    const c1 = await client.changes(undefined, 40);
    const c2 = await client.changes(c1.nextCursor, 40);
    const c3 = await client.changes(c2.nextCursor);
    expect([...c1.events, ...c2.events].map((e) => e.id)).toEqual(events.map((e) => e.id).sort((a, b) => a - b));
    expect(c3).toEqual({ events: [], nextCursor: c2.nextCursor });

    expect(await client.objectState(7, 'contact', 1)).toEqual(state);
    const tl = await client.timeline(7, 'contact', 2, { order: 'asc', limit: 100 });
    expect(tl.events.every((e) => e.objectId === 2)).toBe(true);
    expect(tl.nextCursor).toBeNull();
  });

  it('reads associations, lifecycle history and subscription-type counts', async () => {
    const client = createEventsClient({ baseUrl, token: TOKEN });
    expect(await client.associations(7, 'contact', 1)).toEqual({ associations: [], nextCursor: null });
    expect((await client.associations(7, 'contact', 1, { includeRemoved: true })).associations.map((a) => [a.toObjectId, a.removed])).toEqual([[9, true]]);
    expect(await client.lifecycle(7, 1)).toEqual([{ stage: 'lead', at: 5, eventId: 3, subscriptionType: 'contact.propertyChange', source: 'propertyChange' }]);
    await expect(client.lifecycle(7, 2)).rejects.toMatchObject({ status: 404 });
    expect(await client.subscriptionTypeStats({ portalId: 7, from: new Date(0) })).toEqual({
      subscriptionTypes: [{ subscriptionType: 'event.completed', known: false, events: 2, firstOccurredAt: 1, lastOccurredAt: 2 }],
      unknown: { types: 1, events: 2 },
    });
  });

  it('surfaces API errors as EventsApiError', async () => {
    const client = createEventsClient({ baseUrl, token: TOKEN });
    await expect(client.objectState(7, 'contact', 99)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(client.listEvents({ limit: 5000 })).rejects.toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      message: 'limit: must be an integer between 1 and 1000',
    });
    await expect(client.listEvents({ from: '2024-01-01T10:00' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^from: /) });
    const denied = await createEventsClient({ baseUrl, token: 'wrong-token-wrong-token' })
      .listEvents()
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(EventsApiError);
    expect(denied).toMatchObject({ status: 401, code: 'UNAUTHORIZED', retryable: false });
  });
});
