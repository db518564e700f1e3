import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_HEADERS, createProducer } from '@hookstream/kafka';
import { signedHeaders } from '@hookstream/hubspot';
import { PORTAL, SECRET, hsEvent, startTestFleet, type TestFleet } from './support/fleet.js';
import { waitUntil } from './support/wait.js';

/**
 * The whole flow on the real broker and database: signed HTTP delivery → edge → Kafka →
 * processor group → MySQL-compatible database → events-api over HTTP.
 */
describe('fleet end to end', () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await startTestFleet({ processors: 1 });
  });
  afterAll(async () => fleet?.stop());

  it('stores one enriched row per distinct event, readable in occurredAt order', async () => {
    const a = hsEvent(1, { objectId: 5001, occurredAt: 1_769_000_030_000 });
    const b = hsEvent(2, {
      objectId: 5001,
      occurredAt: 1_769_000_010_000,
      subscriptionType: 'contact.propertyChange',
      propertyName: 'lifecyclestage',
      propertyValue: 'customer',
      changeFlag: undefined,
    });
    const c = hsEvent(3, { objectId: 5002, occurredAt: 1_769_000_020_000 });
    const missing = hsEvent(4, { objectId: 5999, occurredAt: 1_769_000_040_000 });
    fleet.fake.upsertObject(PORTAL, 'contact', { id: 5001, properties: { email: 'ada@example.com', firstname: 'Ada' }, updatedAt: '2026-01-21T00:00:00.000Z' });
    fleet.fake.upsertObject(PORTAL, 'contact', { id: 5002, properties: { email: 'grace@example.com', firstname: 'Grace' } });
    // The same event twice in one delivery (HubSpot does not promise uniqueness) and out of order.
    const res = await fleet.post([a, b, { ...b }, c, missing]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 5 });

    await fleet.drained();
    expect(await fleet.rowCount()).toBe(4);
    const page = await fleet.client.listEvents({ portalId: PORTAL, order: 'asc', limit: 100 });
    expect(page.events.map((e) => e.eventId)).toEqual([b.eventId, c.eventId, a.eventId, missing.eventId]);
    const byId = new Map(page.events.map((e) => [e.eventId, e]));
    expect(byId.get(a.eventId)?.enrichment).toMatchObject({ state: 'enriched', snapshot: { id: '5001', properties: { email: 'ada@example.com' } } });
    expect(byId.get(missing.eventId)?.enrichment.state).toBe('not_found');
    expect(byId.get(a.eventId)?.objectId).toBe(5001);

    const state = await fleet.client.objectState(PORTAL, 'contact', 5001);
    expect(state).toMatchObject({ properties: { email: 'ada@example.com', firstname: 'Ada' } });
    // The property change (2026-01-21T11:06:50Z) is newer than the snapshot's updatedAt: it wins.
    expect((state as { properties: Record<string, unknown> }).properties.lifecyclestage).toBe('customer');
  });

  it('keeps tampered, expired, unsigned and invalid deliveries out of Kafka', async () => {
    const before = await fleet.topicMessages();
    const body = JSON.stringify([hsEvent(10)]);
    const url = `${fleet.edgeUrl}/webhooks/hubspot`;
    const good = signedHeaders({ secret: SECRET, version: 'v3', url, body });
    const tampered = await fleet.post([], { body: body.replace('"attemptNumber":0', '"attemptNumber":1'), headers: good });
    const expired = await fleet.post([hsEvent(11)], { timestamp: Date.now() - 6 * 60_000 });
    const unsigned = await fleet.post([], { body, headers: { 'content-type': 'application/json' } });
    const wrongV1 = await fleet.post([], { body, headers: signedHeaders({ secret: 'not-the-secret', version: 'v1', url, body }) });
    const invalid = await fleet.post([{ eventId: 'x' }]);
    expect([tampered.status, expired.status, unsigned.status, wrongV1.status, invalid.status]).toEqual([401, 401, 401, 401, 400]);
    expect(invalid.body).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await fleet.topicMessages()).toBe(before);
  });

  it('adds no rows for a redelivered batch', async () => {
    const batch = [hsEvent(20, { objectId: 6001 }), hsEvent(21, { objectId: 6002 })];
    expect((await fleet.post(batch)).status).toBe(200);
    await fleet.drained();
    const rows = await fleet.rowCount();
    // HubSpot's retry: same events, next attemptNumber, another signature timestamp.
    expect((await fleet.post(batch.map((e) => ({ ...e, attemptNumber: 1 })))).status).toBe(200);
    expect((await fleet.post(batch, { version: 'v1' })).status).toBe(200);
    await fleet.drained();
    expect(await fleet.rowCount()).toBe(rows);
  });

  it('dead-letters an undecodable message with its error and keeps going', async () => {
    const producer = createProducer(fleet.kafka, fleet.log);
    await producer.connect();
    await producer.send(fleet.topic, [{ key: `${PORTAL}:contact:1`, value: Buffer.from('{not json') }], 10_000);
    await producer.disconnect();
    const next = hsEvent(30, { objectId: 7001 });
    expect((await fleet.post([next])).status).toBe(200);
    await fleet.drained();
    expect(await fleet.topicMessages(fleet.dlqTopic)).toBe(1);

    const consumer = fleet.kafka.consumer({ groupId: `${fleet.groupId}-dlq-reader` });
    await consumer.connect();
    await consumer.subscribe({ topics: [fleet.dlqTopic], fromBeginning: true });
    const headers = await new Promise<Record<string, string>>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          resolve(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])));
        },
      });
    });
    await consumer.disconnect();
    expect(headers[DLQ_HEADERS.error]).toMatch(/not JSON/);
    expect(headers[DLQ_HEADERS.originalTopic]).toBe(fleet.topic);
    expect(headers[DLQ_HEADERS.attempts]).toBe('1');
    expect(Number(headers[DLQ_HEADERS.firstFailureAt])).toBeGreaterThan(0);
    const page = await fleet.client.listEvents({ objectId: 7001, limit: 10, order: 'asc' });
    expect(page.events).toHaveLength(1);
  });

  it('stores events while HubSpot is down and enriches them once it is back', async () => {
    fleet.fake.upsertObject(PORTAL, 'contact', { id: 8001, properties: { email: 'later@example.com' } });
    fleet.fake.failAll({ status: 503 });
    expect((await fleet.post([hsEvent(40, { objectId: 8001 })])).status).toBe(200);
    await fleet.drained();
    const stored = await fleet.client.listEvents({ objectId: 8001, limit: 10, order: 'asc' });
    expect(stored.events[0]?.enrichment.state).toBe('pending');
    expect(stored.events[0]?.enrichment.error).toMatch(/\w/);
    fleet.fake.clearFaults();
    const enriched = await waitUntil('the sweeper to enrich the pending event', async () => {
      const p = await fleet.client.listEvents({ objectId: 8001, limit: 10, order: 'asc' });
      return p.events[0]?.enrichment.state === 'enriched' ? p.events[0] : undefined;
    });
    expect(enriched.enrichment.snapshot).toMatchObject({ properties: { email: 'later@example.com' } });
  });
});

describe('two processor replicas in one group', () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await startTestFleet({ processors: 2 });
  });
  afterAll(async () => fleet?.stop());

  it('share the partitions and together store every event exactly once', async () => {
    await fleet.groupStable(2);
    const total = 600;
    const events = Array.from({ length: total }, (_, i) => hsEvent(1000 + i, { objectId: 900_000 + (i % 240) }));
    for (let i = 0; i < total; i += 100) {
      const batch = events.slice(i, i + 100);
      // Every batch is delivered twice, like a HubSpot retry after a slow answer.
      expect((await fleet.post(batch)).status).toBe(200);
      expect((await fleet.post(batch.map((e) => ({ ...e, attemptNumber: 1 })))).status).toBe(200);
    }
    await fleet.drained();
    expect(await fleet.rowCount()).toBe(total);
    const [dupes] = (await fleet.ds.query(
      'SELECT COUNT(*) AS n FROM (SELECT event_id FROM hubspot_event_rows GROUP BY portal_id, subscription_id, event_id, occurred_at, object_id HAVING COUNT(*) > 1) d',
    )) as Array<{ n: number }>;
    expect(Number(dupes?.n)).toBe(0);
    const perReplica = await Promise.all(
      fleet.replicas.map(async (r) => (await r.processor.registry.getSingleMetric('hookstream_processor_events_stored_total')?.get())?.values[0]?.value ?? 0),
    );
    expect(perReplica).toHaveLength(2);
    for (const stored of perReplica) expect(stored).toBeGreaterThan(0);
    expect(perReplica.reduce((a, b) => a + b, 0)).toBe(total);
  });
});
