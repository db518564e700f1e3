import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AppError } from '@hookstream/core';
import { loadEdgeConfig, loadProcessorConfig } from '@hookstream/config';
import { buildEdgeApp, createKafkaPublisher } from '@hookstream/edge';
import { buildApp as buildEventsApi } from '@hookstream/events-api';
import { createProducer, decodeLedgerEnvelope, encodeEnvelope, ensureTopics, type EventProducer } from '@hookstream/kafka';
import { createLogger, createRegistry } from '@hookstream/observability';
import { createBatchRuntime, createRuntimeMetrics, type Provider } from '@hookstream/pipeline';
import { createProcessor } from '@hookstream/processor';
import { createLedgerReader, inTransaction, openLedgerInsert, prepareLedgerRow, type LedgerEvent } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { testDatabase } from '@hookstream/testkit';
import { waitUntil } from './support/wait.js';
import { testKafka } from './support/kafka.js';

const TOPIC = `toy.events.${randomBytes(3).toString('hex')}`;
const TOKEN = 'toy-api-token-0123456789';

// ---- the toy provider: everything provider-specific, in one value --------------------------
class ToyPings1796200000000 implements MigrationInterface {
  readonly name = 'ToyPings1796200000000';
  up = async (q: QueryRunner) => void (await q.query('CREATE TABLE toy_pings (id BIGINT UNSIGNED PRIMARY KEY, loudness INT NOT NULL)'));
  down = async (q: QueryRunner) => void (await q.query('DROP TABLE toy_pings'));
}

const toy: Provider = {
  id: 'toy',
  migrations: [ToyPings1796200000000],
  redact: () => ({ headers: ['x-toy-key'] }),
  edge: ({ now }) => ({
    topics: [TOPIC],
    routes: [
      {
        url: '/webhooks/toy',
        bodyLimitBytes: 4096,
        accept(req) {
          if (req.headers['x-toy-key'] !== 'let-me-in') throw new AppError('INVALID_CREDENTIALS', 401, 'x-toy-key is wrong');
          const ping = JSON.parse(req.rawBody.toString()) as { id?: unknown; loudness?: unknown };
          if (typeof ping.id !== 'string' || typeof ping.loudness !== 'number')
            throw new AppError('VALIDATION_FAILED', 422, 'id (string) and loudness (number) are required');
          const envelope = {
            v: 2 as const,
            provider: 'toy',
            source: 'toy',
            receivedAt: req.receivedAt,
            requestId: req.requestId,
            auth: 'key',
            type: 'ping',
            eventId: ping.id,
            idempotencyKey: ping.id,
            occurredAt: now(),
            tenant: null,
            subject: ping.id,
            event: ping,
          };
          return { topic: TOPIC, messages: [{ key: ping.id, value: encodeEnvelope(envelope) }] };
        },
      },
    ],
  }),
  processor: (ctx) => ({
    groupId: `${TOPIC}.group`,
    topics: { events: TOPIC, retry: `${TOPIC}.retry`, dlq: `${TOPIC}.dlq` },
    handler: createBatchRuntime(
      {
        decode: (m) => {
          const e = decodeLedgerEnvelope(m.value);
          const ledger: LedgerEvent = { ...e, requestId: e.requestId, raw: e.event };
          return { ok: true, value: { offset: m.offset, dedupeKey: e.idempotencyKey, ledger, loudness: (e.event as { loudness: number }).loudness } };
        },
        // One transaction: the ledger rows, then the toy's own row for each new one.
        persist: (events) =>
          inTransaction(ctx.dataSource, 'toy', { lockWaitTimeoutSec: 10, ledgerIds: events.length }, async (qr) => {
            const ids = await (
              await openLedgerInsert(qr, { chunkSize: 100, chunkBytes: 1 << 20 })
            ).insert(events.map((e) => prepareLedgerRow(e.ledger, ctx.now())));
            for (const [i, id] of ids.entries())
              if (id !== null) await qr.query('INSERT INTO toy_pings (id, loudness) VALUES (?, ?)', [id, events[i]?.loudness]);
            return { inserted: ids.filter((id) => id !== null).length, duplicates: ids.filter((id) => id === null).length };
          }),
      },
      {
        producer: ctx.producer,
        dlqTopic: `${TOPIC}.dlq`,
        retryTopic: `${TOPIC}.retry`,
        retry: { maxAttempts: 3, baseMs: 1000, maxMs: 1000 },
        log: ctx.log,
        now: ctx.now,
        metrics: createRuntimeMetrics(ctx.registry)('toy'),
      },
    ),
  }),
  api: ({ dataSource }) => ({
    present: async (rows) => rows.map((r) => ({ id: r.id, occurredAt: r.occurredAt, ping: r.eventId })),
    routes: (app) => {
      app.get(
        '/toy/loudness/:id',
        async (req) => (await dataSource.query('SELECT loudness FROM toy_pings WHERE id = ?', [Number((req.params as { id: string }).id)]))[0],
      );
    },
  }),
};
// ---------------------------------------------------------------------------------------------

/**
 * A provider added without touching any shared layer: the edge, the processor and events-api
 * host it from the value above, on the real broker and database, next to nothing else.
 */
describe('a toy provider, end to end', () => {
  const log = createLogger({ name: 'toy', level: process.env.E2E_LOG_LEVEL ?? 'silent' });
  const env = { KAFKA_BROKERS: inject('kafkaBrokers'), DATABASE_URL: 'mysql://unused@localhost/unused', EVENTS_API_TOKENS: TOKEN, LOG_LEVEL: 'silent' };
  const ctx = { env, log, now: Date.now, registry: createRegistry('toy', false) };
  let store: MigratedStore;
  let producer: EventProducer;
  const closers: Array<() => Promise<unknown>> = [];
  let edgeUrl = '';
  let apiUrl = '';

  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase(), 5, toy.migrations);
    const kafka = testKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'toy', log });
    producer = createProducer(kafka, log);
    await producer.connect();
    // As the edge host does: its parts' topics exist (leaders elected) before it takes requests.
    const part = await toy.edge!(ctx);
    await ensureTopics(
      kafka,
      part.topics.map((topic) => ({ topic, numPartitions: 3 })),
      log,
    );
    const edge = await buildEdgeApp({ config: loadEdgeConfig(env), publisher: createKafkaPublisher(producer, 4000), log, parts: [{ provider: toy.id, part }] });
    const processor = createProcessor({ config: loadProcessorConfig(env), kafka, dataSource: store.ds, log, parts: async (c) => [await toy.processor!(c)] });
    await processor.start();
    const ledger = createLedgerReader(store.ds);
    const api = await buildEventsApi({
      config: { EVENTS_API_TOKENS: [TOKEN] },
      ledger,
      parts: [{ provider: 'toy', part: await toy.api!({ ...ctx, dataSource: store.ds, ledger }) }],
      log,
      ready: async () => true,
    });
    for (const [app, set] of [
      [edge, (u: string) => (edgeUrl = u)],
      [api, (u: string) => (apiUrl = u)],
    ] as const) {
      await app.listen({ port: 0, host: '127.0.0.1' });
      set(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
      closers.push(() => app.close());
    }
    closers.push(
      () => processor.stop(),
      () => producer.disconnect(),
      () => store.close(),
    );
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });

  const post = (body: unknown, key = 'let-me-in') =>
    fetch(`${edgeUrl}/webhooks/toy`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-toy-key': key }, body: JSON.stringify(body) });

  it('authenticates, validates, stores once in the ledger and its own table, and reads back through events-api', async () => {
    expect((await post({ id: 'p-1', loudness: 7 }, 'wrong')).status).toBe(401);
    expect((await post({ id: 'p-1' })).status).toBe(422);
    expect((await post({ id: 'p-1', loudness: 7 })).status).toBe(200);
    expect((await post({ id: 'p-1', loudness: 7 })).status).toBe(200); // a redelivery: stored once
    expect((await post({ id: 'p-2', loudness: 9 })).status).toBe(200);

    const headers = { authorization: `Bearer ${TOKEN}` };
    const page = await waitUntil('both pings stored', async () => {
      const body = (await (await fetch(`${apiUrl}/events?provider=toy`, { headers })).json()) as { events: Array<{ id: number; ping: string }> };
      return body.events.length === 2 ? body : undefined;
    });
    expect(page.events.map((e) => e.ping)).toEqual(['p-1', 'p-2']);
    const loud = await (await fetch(`${apiUrl}/toy/loudness/${page.events[1]?.id}`, { headers })).json();
    expect(loud).toEqual({ loudness: 9 });
    const [rows] = (await store.ds.query("SELECT COUNT(*) AS n FROM events WHERE provider = 'toy'")) as Array<{ n: unknown }>;
    expect(Number(rows?.n)).toBe(2);
  });
});
