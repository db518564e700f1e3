import type { AddressInfo } from 'node:net';
import {
  createEventsClient,
  type Association,
  type EventsClient,
  type LifecycleEntry,
  type ObjectState,
  type StoredEnrichment,
  type StoredEvent,
  type SubscriptionTypeStats,
} from '@hookstream/client';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFullApp, READER_TOKEN } from './openapi/fixture.js';
import { responseSchema, templateOf, type OpenApiDoc } from './openapi/spec.js';
import { storedEvent } from './testing/fake-reader.js';

/**
 * @hookstream/client against the OpenAPI document: every request a client method sends goes to
 * a path and method the document has, and every answer it gets validates against the
 * document's schema for that route and status (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses).
 */
const events = Array.from({ length: 12 }, (_, i) =>
  storedEvent({ id: 100 + i, occurredAt: 1_700_000_000_000 + i * 1000, portalId: 7, objectId: 1 + (i % 2), propertyName: i % 3 ? 'email' : null }),
);
const state = {
  portalId: 7,
  objectType: 'contact',
  objectId: 1,
  properties: { email: 'a@b.io', phone: null },
  propertyVersions: { email: 5 },
  archived: false,
  archivedVersion: 0,
  mergedIntoObjectId: null,
  mergedVersion: 0,
  createdAt: 1,
  lastEventAt: 5,
  snapshotAt: null,
  mergedObjectIds: [3],
  privacyDeletedAt: null,
};
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
      removed: false,
      version: 5,
    },
  ],
  lifecycle: new Map([['7:contact:1', [{ stage: 'lead', at: 5, eventId: 3, subscriptionType: 'contact.propertyChange', source: 'propertyChange' as const }]]]),
  stats: [{ subscriptionType: 'contact.creation', events: 2, firstOccurredAt: 1, lastOccurredAt: 2 }],
};

interface Exchange {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

describe('@hookstream/client against /openapi.json', () => {
  let app: FastifyInstance;
  let doc: OpenApiDoc;
  const exchanges: Exchange[] = [];
  const called = new Set<string>();
  let client: EventsClient;

  beforeAll(async () => {
    app = await buildFullApp({ events, states: [state], relations });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApiDoc;
    // Every exchange the client makes, as the server answered it.
    const recording = (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(input, init);
      const text = await res.clone().text();
      exchanges.push({
        method: init?.method ?? 'GET',
        path: new URL(String(input)).pathname,
        status: res.status,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      });
      return res;
    }) as typeof fetch;
    const real = createEventsClient({ baseUrl, token: READER_TOKEN, fetch: recording });
    // Which methods the cases below called, so a method added to the client without a case fails.
    client = new Proxy(real, {
      get(target, key: string) {
        called.add(key);
        return target[key as keyof EventsClient];
      },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('calls only documented routes, and each answer matches the documented schema', async () => {
    const first = await client.listEvents({ portalId: 7, limit: 5, order: 'desc', from: 1_700_000_000_000 });
    expect(first.events).toHaveLength(5);
    await client.listEvents({ portalId: 7, limit: 5, order: 'desc', cursor: first.nextCursor as string });
    const seen: number[] = [];
    for await (const e of client.iterateEvents({ limit: 4 })) seen.push(e.id);
    expect(seen).toEqual(events.map((e) => e.id));
    const c1 = await client.changes(undefined, 5, { portalId: 7 });
    await client.changes(c1.nextCursor);
    expect(await client.objectState(7, 'contact', 1)).toEqual(state);
    await expect(client.objectState(7, 'contact', 99)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await client.timeline(7, 'contact', 2, { limit: 2 })).events.every((e) => e.objectId === 2)).toBe(true);
    expect((await client.associations(7, 'contact', 1, { includeRemoved: true })).associations).toHaveLength(1);
    expect(await client.lifecycle(7, 1)).toHaveLength(1);
    await expect(client.lifecycle(7, 2)).rejects.toMatchObject({ status: 404 });
    expect((await client.subscriptionTypeStats({ portalId: 7, from: new Date(0) })).subscriptionTypes).toHaveLength(1);
    await expect(client.listEvents({ limit: 5000 })).rejects.toMatchObject({ status: 400, code: 'BAD_REQUEST' });

    expect([...called].sort()).toEqual(Object.keys(createEventsClient({ baseUrl: 'http://127.0.0.1:9', token: 't' })).sort());
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const problems: string[] = [];
    for (const x of exchanges) {
      const template = templateOf(doc, x.path);
      const op = template ? doc.paths[template]?.[x.method.toLowerCase()] : undefined;
      if (!op) {
        problems.push(`${x.method} ${x.path}: not in the document`);
        continue;
      }
      const schema = responseSchema(op, x.status);
      if (!schema) problems.push(`${x.method} ${template} ${x.status}: no documented schema`);
      else if (!ajv.validate(schema as object, x.body)) problems.push(`${x.method} ${template} ${x.status}: ${ajv.errorsText()}`);
    }
    // GET /events documents rows in their provider's JSON; HubSpot's are the timeline's events (the client's StoredEvent).
    const timeline = responseSchema(doc.paths['/portals/{portalId}/objects/{objectType}/{objectId}/timeline']!.get!, 200) as {
      properties: { events: { items: object } };
    };
    for (const x of exchanges.filter((e) => e.path === '/events' && e.status === 200))
      for (const row of (x.body as { events: unknown[] }).events)
        if (!ajv.validate(timeline.properties.events.items, row)) problems.push(`GET /events row: ${ajv.errorsText()}`);
    expect(problems).toEqual([]);
    // Every kind of answer was checked: pages, state, lists, stats and errors.
    expect(new Set(exchanges.map((x) => x.status))).toEqual(new Set([200, 400, 404]));
    expect(new Set(exchanges.map((x) => templateOf(doc, x.path))).size).toBe(7);
  });

  it('catches an answer that does not match (the check is not vacuous)', () => {
    const op = doc.paths['/portals/{portalId}/objects/{objectType}/{objectId}']?.get;
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    expect(ajv.validate(responseSchema(op!, 200) as object, { ...state, archived: 'no' })).toBe(false);
    const { privacyDeletedAt: _gone, ...missing } = state;
    expect(ajv.validate(responseSchema(op!, 200) as object, missing)).toBe(false);
    expect(ajv.validate(responseSchema(op!, 200) as object, { ...state, extra: 1 })).toBe(false);
  });

  it('declares in the client’s types exactly the fields the document’s schemas have', () => {
    // Each list must name every key of the client's type and no other (the compiler checks that),
    // and must equal the schema's properties (this test checks that): a field added to either side fails.
    const keys = <T>(k: Record<keyof T, true>): string[] => Object.keys(k).sort();
    const event = keys<StoredEvent>({
      id: true,
      provider: true,
      portalId: true,
      appId: true,
      subscriptionId: true,
      eventId: true,
      subscriptionType: true,
      objectType: true,
      objectTypeId: true,
      objectId: true,
      occurredAt: true,
      receivedAt: true,
      processedAt: true,
      attemptNumber: true,
      changeSource: true,
      changeFlag: true,
      propertyName: true,
      propertyValue: true,
      requestId: true,
      raw: true,
      enrichment: true,
    });
    const enrichment = keys<StoredEnrichment>({ state: true, attempts: true, error: true, nextAttemptAt: true, enrichedAt: true, snapshot: true });
    const objectState = keys<ObjectState>({
      portalId: true,
      objectType: true,
      objectId: true,
      properties: true,
      propertyVersions: true,
      archived: true,
      archivedVersion: true,
      mergedIntoObjectId: true,
      mergedVersion: true,
      createdAt: true,
      lastEventAt: true,
      snapshotAt: true,
      mergedObjectIds: true,
      privacyDeletedAt: true,
    });
    const association = keys<Association>({
      portalId: true,
      fromObjectType: true,
      fromObjectId: true,
      toObjectType: true,
      toObjectId: true,
      associationType: true,
      isPrimary: true,
      removed: true,
      version: true,
    });
    const lifecycle = keys<LifecycleEntry>({ stage: true, at: true, eventId: true, subscriptionType: true, source: true });
    const stat = keys<SubscriptionTypeStats['subscriptionTypes'][number]>({
      subscriptionType: true,
      known: true,
      events: true,
      firstOccurredAt: true,
      lastOccurredAt: true,
    });

    type S = { properties: Record<string, S>; items: S; required: string[] };
    const ok = (template: string): S => responseSchema(doc.paths[template]!.get!, 200) as S;
    const props = (schema: S): string[] => Object.keys(schema.properties).sort();
    const at = (schema: S, key: string): S => schema.properties[key] as S;
    const object = '/portals/{portalId}/objects/{objectType}/{objectId}';
    const timelineEvent = at(ok(`${object}/timeline`), 'events').items;
    expect(props(timelineEvent)).toEqual(event);
    expect(props(at(timelineEvent, 'enrichment'))).toEqual(enrichment);
    expect(props(ok(object))).toEqual(objectState);
    expect(props(at(ok(`${object}/associations`), 'associations').items)).toEqual(association);
    expect(props(ok('/portals/{portalId}/contacts/{contactId}/lifecycle').items)).toEqual(lifecycle);
    expect(props(at(ok('/stats/subscription-types'), 'subscriptionTypes').items)).toEqual(stat);
    // And the schemas require every field: the client's non-optional fields are always answered.
    for (const schema of [timelineEvent, ok(object), at(ok(`${object}/associations`), 'associations').items])
      expect([...schema.required].sort()).toEqual(props(schema));
  });
});
