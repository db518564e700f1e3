/**
 * The import-burst enrichment figure (issue 3, item 7): how many HubSpot batch-read calls a burst
 * of N contacts × (1 creation + K property changes) costs on the real path — signed deliveries →
 * edge (HTTP) → Kafka → processor replicas → database — with the fake HubSpot counting calls.
 *
 *   npm run bench:burst                         10,000 contacts, 1 replica, live and backlog runs
 *   npm run bench:burst -- --contacts 2000 --replicas 2 --mode live --json
 *   npm run bench:burst -- --baseline           the same without the cache and cross-batch calls
 *
 * `runEnrichmentBurst(opts)` is self-contained (it makes its own database, topic, edge and
 * processors on the Kafka broker and database server it is given), so other benchmarks can call it.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildEdgeApp, createKafkaPublisher } from '@hookstream/edge';
import {
  createHubSpotProcessorPart,
  hubspotEdgePart,
  loadHubSpotEdgeConfig,
  loadHubSpotProcessorConfig,
  signedHeaders,
  type HubSpotEvent,
  type HubSpotProcessorPart,
} from '@hookstream/hubspot';
import { createKafka, createProducer, ensureTopics } from '@hookstream/kafka';
import { createLogger, type Logger } from '@hookstream/observability';
import { createProcessor, type Processor } from '@hookstream/processor';
import { createDataSource, runMigrations, type DataSource } from '@hookstream/store';
import { createDatabase, createRandom, dropDatabase, startDatabaseServer, startFakeHubSpot, startKafka, uniqueName } from '@hookstream/testkit';

export interface EnrichmentBurstOptions {
  brokers: readonly string[];
  /** Server URL (mysql://user:pass@host:port); a database is created for the run and dropped. */
  databaseServerUrl: string;
  /** @default 10_000 */
  contacts?: number;
  /** Property changes per contact (email, firstname, lastname, …). @default 3 */
  changesPerContact?: number;
  /** @default 1 */
  replicas?: number;
  /**
   * `live`: the processors run while the burst is posted (HubSpot's pace: 10 deliveries in flight).
   * `backlog`: the whole burst is in Kafka before the processors start (a restart after an outage).
   * @default 'live'
   */
  mode?: 'live' | 'backlog';
  /** HubSpot does not keep order: an event may arrive up to this many events early or late. @default 400 */
  disorder?: number;
  /** Deliveries in flight at once; HubSpot's default per installed account is 10. @default 10 */
  concurrency?: number;
  processorEnv?: Record<string, string>;
  seed?: number;
  log?: Logger;
  progress?: (line: string) => void;
  /** Called with the run's database once every row is enriched, before it is dropped (tests). */
  inspect?: (ds: DataSource, events: readonly HubSpotEvent[]) => Promise<void>;
}

export interface EnrichmentBurstResult {
  mode: 'live' | 'backlog';
  replicas: number;
  events: number;
  distinctObjects: number;
  /** batch-read calls HubSpot saw during the run, retries included. */
  calls: number;
  /** Calls HubSpot refused (429/5xx) and the client retried. */
  retries: number;
  callsPer1000Events: number;
  /** ceil(distinctObjects / 100): every object read once, 100 per call. */
  minCalls: number;
  /** Calls with fewer than 100 ids, and why each went out before it was full (summed over replicas). */
  partialCalls: number;
  partialBy: Record<string, number>;
  /** Objects served from a replica's cache or a read already under way. */
  sharedReads: number;
  /** Objects whose rows waited (pending) for a shared read and were completed after their batch. */
  deferredObjects: number;
  /** Rows enriched when the run ended (all of them, or the run fails). */
  enriched: number;
  /** From the first delivery to the last row enriched. */
  seconds: number;
  /** Deliveries the edge refused (503) and that were sent again, as HubSpot would. */
  redeliveries: number;
}

const PORTAL = 62515;
const SECRET = 'burst-client-secret-0123456789';
const TOKEN = 'burst-hubspot-token';
const PROPS = ['email', 'firstname', 'lastname', 'phone', 'lifecyclestage', 'company'];

/** The burst: per contact a creation, then its property changes a few ms later, shuffled within `disorder`. */
export function burstEvents(contacts: number, changes: number, disorder: number, seed: number, base = Date.now() - 10 * 60_000): HubSpotEvent[] {
  const out: Array<{ e: HubSpotEvent; pos: number }> = [];
  const rnd = createRandom(seed);
  let eventId = seed * 1_000_000_000;
  for (let c = 0; c < contacts; c++) {
    const objectId = 5_000_000_000 + seed * 10_000_000 + c;
    const at = base + c * 5;
    const common = { portalId: PORTAL, appId: 54321, attemptNumber: 0, objectId, changeSource: 'IMPORT', sourceId: 'import:4242' };
    const events: HubSpotEvent[] = [
      { ...common, eventId: ++eventId, subscriptionId: 1001, occurredAt: at, subscriptionType: 'contact.creation', changeFlag: 'CREATED' },
    ];
    for (let k = 0; k < changes; k++) {
      const name = PROPS[k % PROPS.length] as string;
      events.push({
        ...common,
        eventId: ++eventId,
        subscriptionId: 1002 + k,
        occurredAt: at + 1 + k,
        subscriptionType: 'contact.propertyChange',
        propertyName: name,
        propertyValue: `${name}-${objectId}`,
      });
    }
    for (const e of events) out.push({ e, pos: out.length + rnd.next() * disorder });
  }
  return out.sort((a, b) => a.pos - b.pos).map((x) => x.e);
}

/** A replica's HubSpot read statistics (its HubSpot part is its only part). */
const readsOf = (p: Processor) => (p.parts[0] as HubSpotProcessorPart).hubspotReads;

function sum(records: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r)) if (v > 0) out[k] = (out[k] ?? 0) + v;
  return out;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`enrichment burst: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runEnrichmentBurst(opts: EnrichmentBurstOptions): Promise<EnrichmentBurstResult> {
  const contacts = opts.contacts ?? 10_000;
  const changes = opts.changesPerContact ?? 3;
  const replicas = opts.replicas ?? 1;
  const mode = opts.mode ?? 'live';
  const seed = opts.seed ?? 7;
  const log = opts.log ?? createLogger({ name: 'bench-burst', level: 'warn' });
  const progress = opts.progress ?? (() => undefined);
  const suffix = randomBytes(4).toString('hex');
  const topic = `hubspot.events.burst-${suffix}`;
  const groupId = `burst-${suffix}`;
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    const dbName = uniqueName('hs_burst');
    const dbUrl = await createDatabase(opts.databaseServerUrl, dbName);
    cleanup.push(() => dropDatabase(opts.databaseServerUrl, dbName));
    const ds: DataSource = createDataSource({ url: dbUrl, log });
    await ds.initialize();
    cleanup.push(() => ds.destroy());
    await runMigrations(ds);

    // The fake's own rate limit is lifted; the processor keeps to HubSpot's 100 per 10 s itself.
    const fake = await startFakeHubSpot({ tokens: new Map([[PORTAL, TOKEN]]), log: false, rateLimitMax: 1_000_000 });
    cleanup.push(() => fake.close());
    const base = Date.now() - 10 * 60_000;
    const events = burstEvents(contacts, changes, opts.disorder ?? 400, seed, base);
    const objectIds = [...new Set(events.map((e) => e.objectId))];
    // HubSpot's copy was last modified before the burst's events occurred, so in object state the
    // events' values must win over the snapshot, while properties no event touched come from it.
    const modified = new Date(base - 60_000).toISOString();
    for (const id of objectIds) {
      fake.upsertObject(PORTAL, 'contact', {
        id,
        createdAt: modified,
        updatedAt: modified,
        properties: { email: `snap-${id}@example.com`, firstname: 'Snap', lastname: 'Shot', phone: `+49-${id}` },
      });
    }

    const kafka = createKafka({ brokers: [...opts.brokers], clientId: `burst-${suffix}`, log });
    await ensureTopics(
      kafka,
      [
        { topic, numPartitions: 12 },
        { topic: `${topic}.dlq`, numPartitions: 12 },
        { topic: `${topic}.retry`, numPartitions: 12 },
      ],
      log,
    );
    const admin = kafka.admin();
    await admin.connect();
    cleanup.push(() => admin.disconnect());

    const edgeConfig = loadHubSpotEdgeConfig({ KAFKA_BROKERS: opts.brokers.join(','), HUBSPOT_CLIENT_SECRET: SECRET, KAFKA_TOPIC: topic, LOG_LEVEL: 'silent' });
    const producer = createProducer(kafka, log);
    await producer.connect();
    cleanup.push(() => producer.disconnect());
    const edge = await buildEdgeApp({
      config: edgeConfig,
      publisher: createKafkaPublisher(producer, edgeConfig.EDGE_PRODUCE_TIMEOUT_MS),
      log,
      parts: [{ provider: 'hubspot', part: hubspotEdgePart(edgeConfig, log) }],
    });
    await edge.listen({ port: 0, host: '127.0.0.1' });
    cleanup.push(() => edge.close());
    const url = `http://127.0.0.1:${(edge.server.address() as AddressInfo).port}/webhooks/hubspot`;

    const processorConfig = loadHubSpotProcessorConfig({
      KAFKA_BROKERS: opts.brokers.join(','),
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_GROUP_ID: groupId,
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: '4',
      HUBSPOT_API_BASE_URL: fake.url,
      HUBSPOT_ACCESS_TOKEN: TOKEN,
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...opts.processorEnv,
    });
    const processors: Processor[] = [];
    const startProcessors = async () => {
      for (let i = 0; i < replicas; i++) {
        const pds = createDataSource({ url: dbUrl, log, poolSize: 4 });
        await pds.initialize();
        const p = createProcessor({
          config: processorConfig,
          kafka: createKafka({ brokers: [...opts.brokers], clientId: `burst-${suffix}-p${i}`, log }),
          dataSource: pds,
          log,
          parts: (ctx) => [createHubSpotProcessorPart(processorConfig, ctx)],
        });
        await p.start();
        processors.push(p);
        cleanup.unshift(async () => {
          await p.stop();
          await pds.destroy();
        });
      }
    };

    let redeliveries = 0;
    const post = async () => {
      const deliveries: HubSpotEvent[][] = [];
      for (let i = 0; i < events.length; i += 100) deliveries.push(events.slice(i, i + 100));
      let next = 0;
      const worker = async () => {
        for (;;) {
          const d = deliveries[next++];
          if (!d) return;
          const body = JSON.stringify(d);
          // Like HubSpot: a refused or failed delivery (503 while Kafka is slow) is sent again.
          for (let attempt = 1; ; attempt++) {
            const res = await fetch(url, { method: 'POST', headers: signedHeaders({ secret: SECRET, version: 'v3', url, body }), body });
            if (res.status === 200) break;
            const text = await res.text();
            if (res.status < 500 || attempt >= 10) throw new Error(`edge answered ${res.status}: ${text}`);
            redeliveries++;
            await new Promise((r) => setTimeout(r, 200 * attempt));
          }
        }
      };
      await Promise.all(Array.from({ length: opts.concurrency ?? 10 }, worker));
    };

    const started = Date.now();
    progress(`burst: ${events.length} events on ${objectIds.length} contacts, ${replicas} replica(s), ${mode}`);
    if (mode === 'backlog') {
      await post();
      progress('burst: in Kafka; starting the processors');
      await startProcessors();
    } else {
      await startProcessors();
      await post();
      progress('burst: posted; waiting for the processors');
    }
    const count = async (sql: string) => Number(((await ds.query(sql)) as Array<{ n: number | string }>)[0]?.n ?? 0);
    await waitFor(
      'every row stored and enriched',
      async () => (await count("SELECT COUNT(*) AS n FROM hubspot_event_rows WHERE enrichment_state = 'enriched'")) >= events.length,
      600_000,
    );
    const seconds = (Date.now() - started) / 1000;
    const rows = await count('SELECT COUNT(*) AS n FROM events');
    if (rows !== events.length) throw new Error(`enrichment burst: ${rows} rows for ${events.length} events`);
    await opts.inspect?.(ds, events);
    const calls = fake.calls.length;
    const retries = fake.calls.filter((c) => c.status !== 200 && c.status !== 207).length;
    return {
      mode,
      replicas,
      events: events.length,
      distinctObjects: objectIds.length,
      calls,
      retries,
      callsPer1000Events: Math.round((calls / events.length) * 1000 * 100) / 100,
      minCalls: Math.ceil(objectIds.length / 100),
      partialCalls: fake.calls.filter((c) => c.ids.length < 100).length,
      partialBy: sum(processors.map((p) => readsOf(p).partialBy)),
      sharedReads: processors.reduce((n, p) => n + readsOf(p).hits + readsOf(p).coalesced, 0),
      deferredObjects: processors.reduce((n, p) => n + readsOf(p).deferred, 0),
      enriched: rows,
      seconds: Math.round(seconds * 10) / 10,
      redeliveries,
    };
  } finally {
    for (const c of cleanup.reverse()) await c().catch((err: unknown) => log.warn({ err }, 'enrichment burst: cleanup step failed'));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      contacts: { type: 'string', default: '10000' },
      replicas: { type: 'string', default: '1' },
      mode: { type: 'string', default: 'both' },
      // The processor as it was before the read planner: no cache, every batch reads its own objects.
      baseline: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const log = createLogger({ name: 'bench-burst', level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
  const progress = (l: string) => process.stderr.write(`${l}\n`);
  progress('starting Kafka and the database');
  const broker = await startKafka({ log, port: 0 });
  const db = await startDatabaseServer({ log });
  const results: EnrichmentBurstResult[] = [];
  try {
    const modes = values.mode === 'both' ? (['live', 'backlog'] as const) : [values.mode as 'live' | 'backlog'];
    for (const mode of modes) {
      const processorEnv: Record<string, string> = values.baseline ? { ENRICH_BATCH_LINGER_MS: '0', ENRICH_CACHE_TTL_MS: '0' } : {};
      results.push(
        await runEnrichmentBurst({
          brokers: broker.brokers,
          databaseServerUrl: db.url,
          contacts: Number(values.contacts),
          replicas: Number(values.replicas),
          mode,
          log,
          progress,
          processorEnv,
        }),
      );
    }
  } finally {
    await broker.stop();
    await db.stop();
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return;
  }
  process.stdout.write('mode     replicas  events  objects  calls  min  partial  retries  calls/1000 events  seconds  partial calls by cause\n');
  for (const r of results) {
    process.stdout.write(
      `${r.mode.padEnd(8)} ${String(r.replicas).padStart(8)}  ${String(r.events).padStart(6)}  ${String(r.distinctObjects).padStart(7)}  ${String(r.calls).padStart(5)}  ${String(r.minCalls).padStart(3)}  ${String(r.partialCalls).padStart(7)}  ${String(r.retries).padStart(7)}  ${r.callsPer1000Events.toFixed(2).padStart(17)}  ${String(r.seconds).padStart(7)}  ${JSON.stringify(r.partialBy)}\n`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
