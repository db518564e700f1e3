import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseEnv } from '@hookstream/config';
import { createEndpointStore, EndpointInputSchema, generateSecret, newEndpointId } from '@hookstream/deliveries';
import { createDispatcher, DispatcherSchema, type Dispatcher } from '@hookstream/dispatcher';

import { startTracing, type Tracing } from '@hookstream/observability';
import { startReceiver, type Receiver } from './support/receiver.js';
import { NOTES_KEYS, apiKeyHeaders, validEvent } from './support/sources-fixture.js';
import { startSourcesFleet, type SourcesFleet } from './support/sources-fleet.js';
import { hsEvent, startTestFleet, type TestFleet } from './support/fleet.js';
import { KIND, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { waitUntil } from './support/wait.js';
import { testKafka } from './support/kafka.js';

/**
 * One webhook through the real edge, broker, processor, database and dispatcher with tracing
 * on, exported over OTLP/HTTP to a collector in this process: one trace must run from the edge
 * request to the processor's transaction (the envelope's traceparent is the bridge) and on to
 * the delivery attempt (the ledger row's traceparent is).
 */
describe('tracing end to end', () => {
  let receiver: OtlpReceiver;
  let fleet: SourcesFleet;
  let tracing: { edge: Tracing; processor: Tracing; dispatcher: Tracing };
  let endpointReceiver: Receiver;
  let dispatcher: Dispatcher;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // Short export delay: the spans arrive while the fleet runs, not only at shutdown.
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' };
    tracing = {
      edge: startTracing(env, 'hookstream-edge'),
      processor: startTracing(env, 'hookstream-processor'),
      dispatcher: startTracing(env, 'hookstream-dispatcher'),
    };
    fleet = await startSourcesFleet({ processors: 1, tracing });
    // An endpoint for every event from now on, and a dispatcher on the fleet's database.
    endpointReceiver = await startReceiver();
    await createEndpointStore(fleet.ds).create(EndpointInputSchema.parse({ url: endpointReceiver.url('/hook'), filter: { sources: ['notes'] } }), {
      id: newEndpointId(),
      secret: generateSecret(),
      origin: 'api',
      now: Date.now(),
    });
    const tag = randomBytes(4).toString('hex');
    const config = parseEnv(DispatcherSchema, {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      DATABASE_URL: fleet.databaseUrl,
      DELIVERIES_TOPIC: `deliveries-tracing-${tag}`,
      DISPATCHER_GROUP_ID: `dispatcher-tracing-${tag}`,
      KAFKA_TOPIC_PARTITIONS: '2',
      DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      DELIVERY_ALLOW_HTTP: 'true',
      ENDPOINTS_REFRESH_MS: '200',
      FANOUT_IDLE_MS: '50',
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      LOG_LEVEL: 'silent',
    });
    const kafka = testKafka({ brokers: config.KAFKA_BROKERS, clientId: `tracing-dispatcher-${tag}`, log: fleet.log });
    dispatcher = createDispatcher({ config, kafka, dataSource: fleet.ds, log: fleet.log, tracing: tracing.dispatcher });
    await dispatcher.start();
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await fleet?.stop();
    await endpointReceiver?.close();
    for (const t of Object.values(tracing ?? {})) await t.shutdown();
    await receiver?.close();
  });

  const one = (spans: readonly ReceivedSpan[], pred: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan => {
    const found = spans.filter(pred);
    expect(found, what).toHaveLength(1);
    return found[0] as ReceivedSpan;
  };

  it('spans edge request → Kafka message → processor batch → database transaction → delivery attempt in one trace', async () => {
    const reply = await fleet.post('notes', JSON.stringify(validEvent('notes', 1)), apiKeyHeaders(NOTES_KEYS[0]));
    expect(reply.status, reply.text).toBe(200);
    const requestId = reply.json.requestId;

    const edge = await waitUntil('the edge request span', async () =>
      receiver.spans.find((s) => s.name === 'POST /webhooks/sources/:source' && s.attributes['hookstream.request_id'] === requestId),
    );
    const trace = await waitUntil('the transaction and delivery spans of the same trace', async () => {
      const spans = receiver.spans.filter((s) => s.traceId === edge.traceId);
      return spans.some((s) => s.name === 'db transaction') && spans.some((s) => s.name === 'deliver webhook') ? spans : undefined;
    });
    expect(receiver.malformed).toEqual([]);

    expect(edge).toMatchObject({ service: 'hookstream-edge', kind: KIND.server, parentSpanId: '', status: 0 });
    expect(edge.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/webhooks/sources/:source',
      'http.response.status_code': 200,
      'hookstream.provider': 'sources',
      'hookstream.source': 'notes',
      'hookstream.events': 1,
    });

    const send = one(trace, (s) => s.name === `send ${fleet.topic}`, 'the produce span');
    expect(send).toMatchObject({ service: 'hookstream-edge', kind: KIND.producer, parentSpanId: edge.spanId });
    expect(send.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': fleet.topic, 'messaging.batch.message_count': 1 });

    // The processor is another service: its span's parent came from the envelope on the broker.
    const batch = one(trace, (s) => s.name === `process ${fleet.topic}`, 'the processor batch span');
    expect(batch).toMatchObject({ service: 'hookstream-processor', kind: KIND.consumer, parentSpanId: edge.spanId, links: [] });
    expect(batch.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.batch.message_count': 1,
      'hookstream.events': 1,
      'hookstream.failures': 0,
    });

    const tx = one(trace, (s) => s.name === 'db transaction', 'the transaction span');
    expect(tx).toMatchObject({ service: 'hookstream-processor', kind: KIND.client, parentSpanId: batch.spanId, status: 0 });
    expect(tx.attributes).toMatchObject({
      'db.system.name': 'mariadb',
      'hookstream.events': 1,
      'hookstream.inserted': 1,
      'hookstream.duplicates': 0,
      'hookstream.attempt': 1,
    });
    expect(tx.startNs).toBeGreaterThanOrEqual(batch.startNs);

    // And the row the transaction committed is there.
    const rows = (await fleet.rows('notes')).filter((r) => r.requestId === requestId);
    expect(rows).toHaveLength(1);

    // The delivery attempt reads the event from the ledger, whose row kept the edge's traceparent.
    const deliver = one(trace, (s) => s.name === 'deliver webhook', 'the delivery attempt span');
    expect(deliver).toMatchObject({ service: 'hookstream-dispatcher', kind: KIND.client, parentSpanId: edge.spanId, status: 0 });
    expect(deliver.attributes).toMatchObject({
      'hookstream.destination': 'webhook',
      'hookstream.attempt': 1,
      'http.response.status_code': 200,
      'hookstream.outcome': 'succeeded',
    });
    const [sent] = endpointReceiver.on('/hook');
    expect(sent?.headers.traceparent).toBe(`00-${edge.traceId}-${deliver.spanId}-01`);
    expect(endpointReceiver.on('/hook')).toHaveLength(1);

    // The span list docs/tracing.md shows, in start order.
    const list = [...trace].sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
    const byId = new Map(list.map((s) => [s.spanId, s.name]));
    fleet.log.info({ spans: list.map((s) => `${s.service} ${s.name} <- ${byId.get(s.parentSpanId) ?? '(root)'}`) }, 'sample trace');
    process.stdout.write(`${list.map((s) => `${s.service.padEnd(22)} ${s.name.padEnd(40)} parent: ${byId.get(s.parentSpanId) ?? '(root)'}`).join('\n')}\n`);
  });
});

/** The HubSpot route: the v1 envelope carries the trace too, and the enrichment reads before the transaction are a span. */
describe('tracing end to end, HubSpot', () => {
  let receiver: OtlpReceiver;
  let fleet: TestFleet;
  let tracing: { edge: Tracing; processor: Tracing };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' };
    tracing = { edge: startTracing(env, 'hookstream-edge'), processor: startTracing(env, 'hookstream-processor') };
    fleet = await startTestFleet({ processors: 1, tracing });
  });
  afterAll(async () => {
    await fleet?.stop();
    for (const t of Object.values(tracing ?? {})) await t.shutdown();
    await receiver?.close();
  });

  it('spans the HubSpot request, the batch with its enrichment, and the transaction; the ledger row keeps the traceparent', async () => {
    const event = hsEvent(1, { objectId: 7001 });
    const reply = await fleet.post([event]);
    expect(reply.status).toBe(200);
    const edge = await waitUntil('the HubSpot request span', async () => receiver.spans.find((s) => s.name === 'POST /webhooks/hubspot'));
    const trace = await waitUntil('the transaction span of the same trace', async () => {
      const spans = receiver.spans.filter((s) => s.traceId === edge.traceId);
      return spans.some((s) => s.name === 'db transaction') ? spans : undefined;
    });
    expect(edge).toMatchObject({ service: 'hookstream-edge', kind: KIND.server, parentSpanId: '' });
    expect(edge.attributes).toMatchObject({
      'hookstream.provider': 'hubspot',
      'hookstream.source': 'hubspot',
      'http.response.status_code': 200,
      'hookstream.events': 1,
    });
    const batch = trace.find((s) => s.name === `process ${fleet.topic}`);
    expect(batch).toMatchObject({ service: 'hookstream-processor', kind: KIND.consumer, parentSpanId: edge.spanId });
    const prepare = trace.find((s) => s.name === 'prepare');
    expect(prepare).toMatchObject({ parentSpanId: batch?.spanId, kind: KIND.internal });
    const tx = trace.find((s) => s.name === 'db transaction');
    expect(tx).toMatchObject({ parentSpanId: batch?.spanId, kind: KIND.client });
    expect(tx?.attributes).toMatchObject({ 'hookstream.inserted': 1 });
    const rows = (await fleet.ds.query('SELECT traceparent FROM events WHERE provider = ? AND event_id = ?', ['hubspot', String(event.eventId)])) as Array<{
      traceparent: string | null;
    }>;
    expect(rows).toEqual([{ traceparent: `00-${edge.traceId}-${edge.spanId}-01` }]);
  });
});
