import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createEndpointStore, EndpointInputSchema, generateSecret, newEndpointId, parseWebhookId } from '@hookstream/deliveries';
import { partitionForKey } from '@hookstream/kafka';
import { createDataSource, inTransaction, openLedgerInsert, prepareLedgerRow, type DataSource } from '@hookstream/store';
import { deliveryLedgerEvent } from '../deliveries-workload.js';
import type { BenchDatabase, BenchEnv } from '../env.js';
import type { ServiceProcess } from '../procs.js';
import type { Figure } from '../report.js';
import type { Profile } from '../profiles.js';
import type { ClientResult, ClientRun } from '../servers/deliveries-client.js';
import { percentile, round, sleep, waitFor } from '../stats.js';

/** Partitions of the deliveries topic (the dispatcher's default). */
const PARTITIONS = 12;
/** Rows per ledger transaction when events are stored in bulk. */
const BULK_TX_ROWS = 2000;
/** A run that delivers nothing new for this long has stalled. */
const STALL_MS = 30_000;
/** How long the latency run waits for its last deliveries after the load stopped. */
const TAIL_MS = 30_000;

/** Arrivals at the receiver during one phase, counted as they arrive. */
interface Tally {
  requests: number;
  /** Distinct (event, endpoint) pairs received. */
  unique: number;
  duplicates: number;
  /** Requests that were not a delivery of ours (unknown path or webhook-id). */
  strays: number;
  bodyBytes: number;
  /** performance.now() of the first and last request. */
  firstAt: number;
  lastAt: number;
  perEndpoint: number[];
  /** First arrival of each (event, endpoint), keyed eventId * 64 + endpoint index. */
  first: Map<number, number>;
}

interface Receiver {
  /** URL of endpoint `k` (a path of its own). */
  url(k: number): string;
  /** Starts counting afresh; arrivals from now on go to the returned tally. */
  phase(): Tally;
  close(): Promise<void>;
}

const pairKey = (eventId: number, k: number): number => eventId * 64 + k;

function newTally(endpoints: number): Tally {
  return {
    requests: 0,
    unique: 0,
    duplicates: 0,
    strays: 0,
    bodyBytes: 0,
    firstAt: Number.NaN,
    lastAt: Number.NaN,
    perEndpoint: new Array<number>(endpoints).fill(0),
    first: new Map(),
  };
}

/**
 * The endpoints' receiver: one node:http server on 127.0.0.1, `/ep/<k>` per endpoint, answering
 * 200 at once. It runs in the bench process and notes when each (event, endpoint) first
 * arrived, from the webhook-id (which names the event) and the path (which names the endpoint).
 */
async function startReceiver(endpoints: number): Promise<Receiver> {
  let tally = newTally(endpoints);
  const server: Server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    req.on('end', () => {
      const at = performance.now();
      const t = tally;
      t.requests++;
      if (Number.isNaN(t.firstAt)) t.firstAt = at;
      t.lastAt = at;
      t.bodyBytes += bytes;
      const k = Number(/^\/ep\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
      const id = parseWebhookId(String(req.headers['webhook-id'] ?? ''));
      if (k < 0 || k >= endpoints || !id) {
        t.strays++;
      } else {
        const key = pairKey(id.eventId, k);
        if (t.first.has(key)) t.duplicates++;
        else {
          t.first.set(key, at);
          t.unique++;
          t.perEndpoint[k] = (t.perEndpoint[k] ?? 0) + 1;
        }
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (k) => `http://127.0.0.1:${port}/ep/${k}`,
    phase() {
      tally = newTally(endpoints);
      return tally;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Deliveries per second between the first and the last arrival. */
const ratePerSec = (t: Tally): number => (t.unique > 1 && t.lastAt > t.firstAt ? (t.unique - 1) / ((t.lastAt - t.firstAt) / 1000) : Number.NaN);

/** An endpoint id whose key lands on `partition` of the deliveries topic (ids are random; a dozen tries on average). */
function endpointIdOn(partition: number): string {
  for (;;) {
    const id = newEndpointId();
    if (partitionForKey(id, PARTITIONS) === partition) return id;
  }
}

/**
 * Endpoint ids spread over the replicas: endpoint k goes to replica k mod n, each on a partition
 * of its own within what that replica was assigned, so the replicas share the endpoints evenly
 * (random ids would often leave one replica with 3 of 4) and no two endpoints share a partition.
 */
function spreadEndpointIds(n: number, assignments: readonly number[][] = [Array.from({ length: PARTITIONS }, (_, p) => p)]): string[] {
  const used = assignments.map(() => 0);
  return Array.from({ length: n }, (_, k) => {
    const r = k % assignments.length;
    const owned = assignments[r] as number[];
    const partition = owned[(used[r] as number) % owned.length] as number;
    used[r] = (used[r] as number) + 1;
    return endpointIdOn(partition);
  });
}

/** The partitions in a consumer group member's assignment (Kafka's ConsumerProtocol MemberAssignment). */
function assignedPartitions(assignment: Buffer): number[] {
  let o = 2; // version
  const topics = assignment.readInt32BE(o);
  o += 4;
  const out: number[] = [];
  for (let t = 0; t < topics; t++) {
    o += 2 + assignment.readInt16BE(o);
    const n = assignment.readInt32BE(o);
    o += 4;
    for (let i = 0; i < n; i++, o += 4) out.push(assignment.readInt32BE(o));
  }
  return out.sort((a, b) => a - b);
}

/** Stores events `from`…`from + count - 1` of `seed` in the ledger as a processor would; answers their ids. */
async function storeEvents(ds: DataSource, seed: number, from: number, count: number, now: number): Promise<number[]> {
  const rows = Array.from({ length: count }, (_, j) => prepareLedgerRow(deliveryLedgerEvent(from + j, seed, now), now));
  const ids = await inTransaction(ds, 'bench: store events', { lockWaitTimeoutSec: 10, ledgerIds: rows.length }, async (qr) =>
    (await openLedgerInsert(qr, { chunkSize: 500, chunkBytes: 1_000_000 })).insert(rows),
  );
  return ids.map((id) => {
    if (id === null) throw new Error(`deliveries: event ${from} of seed ${seed} was already in the ledger`);
    return id;
  });
}

async function storeBulk(ds: DataSource, seed: number, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let from = 0; from < count; from += BULK_TX_ROWS) ids.push(...(await storeEvents(ds, seed, from, Math.min(BULK_TX_ROWS, count - from), Date.now())));
  return ids;
}

/** A fresh database, deliveries topic and group for one run; endpoints come once the group is stable. */
interface Setup {
  db: BenchDatabase;
  ds: DataSource;
  endpointIds: string[];
  topic: string;
  groupId: string;
}

async function setUp(env: BenchEnv, tag: string): Promise<Setup> {
  const db = await env.newDatabase(`dlv${tag}`);
  const ds = createDataSource({ url: db.url, log: env.log, poolSize: 4 });
  await ds.initialize();
  const topic = await env.newTopic(`deliveries${tag}`, PARTITIONS);
  return { db, ds, endpointIds: [], topic, groupId: `bench-dispatcher-${env.runId}-${tag}` };
}

/**
 * Creates the endpoints (on the receiver, spread over the replicas' partitions) as the admin
 * API does, then waits until the replicas have started a lane for each of them.
 */
async function createEndpoints(env: BenchEnv, s: Setup, receiver: Receiver, procs: readonly ServiceProcess[], endpoints: number): Promise<void> {
  const { groups } = await env.admin.describeGroups([s.groupId]);
  const assignments = (groups[0]?.members ?? []).map((m) => assignedPartitions(m.memberAssignment)).filter((a) => a.length > 0);
  s.endpointIds = spreadEndpointIds(endpoints, assignments.length > 0 ? assignments : undefined);
  const store = createEndpointStore(s.ds);
  for (const [k, id] of s.endpointIds.entries()) {
    await store.create(EndpointInputSchema.parse({ url: receiver.url(k), description: `bench endpoint ${k}` }), {
      id,
      secret: generateSecret(),
      origin: 'api',
      now: Date.now(),
    });
  }
  await waitFor(
    `the dispatchers to start lanes for ${endpoints} endpoints`,
    async () => {
      const counters = await Promise.all(procs.map((p) => dispatcherCounters(p)));
      return counters.reduce((n, c) => n + (typeof c.lanes === 'number' ? c.lanes : 0), 0) >= endpoints;
    },
    30_000,
    100,
  );
}

async function tearDown(s: Setup): Promise<void> {
  await s.ds.destroy().catch(() => undefined);
  await s.db.drop().catch(() => undefined);
}

async function startDispatchers(env: BenchEnv, profile: Profile, s: Setup, replicas: number): Promise<ServiceProcess[]> {
  const procs = await Promise.all(
    Array.from({ length: replicas }, (_, i) =>
      env.spawn(
        `dispatcher-${replicas}x-${i + 1}`,
        'services/dispatcher/src/main.ts',
        env.serviceEnv({
          DATABASE_URL: s.db.url,
          DELIVERIES_TOPIC: s.topic,
          DISPATCHER_GROUP_ID: s.groupId,
          KAFKA_CLIENT_ID: `bench-dispatcher-${replicas}x-${i + 1}`,
          KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
          DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
          DELIVERY_ALLOW_HTTP: 'true',
          DELIVERY_ENDPOINT_CONCURRENCY: String(profile.deliveries.endpointConcurrency),
          FANOUT_IDLE_MS: '20',
          LOG_LEVEL: 'warn',
          ...profile.dispatcherEnv,
        }),
      ),
    ),
  );
  // Every replica in the group with its partitions before endpoints and events exist: no rebalance pause is measured.
  await waitFor(
    `a stable dispatcher group of ${replicas}`,
    async () => {
      const { groups } = await env.admin.describeGroups([s.groupId]);
      const g = groups[0];
      return g?.state === 'Stable' && g.members.length === replicas && g.members.every((m) => m.memberAssignment.length > 0);
    },
    120_000,
    100,
  );
  return procs;
}

/** The dispatcher's own counters (attempts by outcome and their mean time, jobs produced, lanes), from its /metrics. */
async function dispatcherCounters(p: ServiceProcess): Promise<Record<string, number | string>> {
  try {
    const text = await (await fetch(`${p.url}/metrics`)).text();
    const values = new Map<string, number>();
    for (const line of text.split('\n')) {
      const m = /^hookstream_delivery_(attempts_total|jobs_total|lanes|in_flight|attempt_seconds_sum|attempt_seconds_count)(?:\{([^}]*)\})? (\S+)$/.exec(line);
      if (!m) continue;
      const outcome = /outcome="([^"]+)"/.exec(m[2] ?? '')?.[1];
      values.set(outcome ? `${m[1]}.${outcome}` : (m[1] as string), Number(m[3]));
    }
    const out: Record<string, number | string> = {};
    for (const [k, v] of values) {
      if (k.startsWith('attempt_seconds_sum.')) {
        const outcome = k.slice('attempt_seconds_sum.'.length);
        const count = values.get(`attempt_seconds_count.${outcome}`) ?? 0;
        if (count > 0) out[`attemptMeanMs.${outcome}`] = round((v / count) * 1000, 2);
      } else if (!k.startsWith('attempt_seconds_count.')) out[k] = v;
    }
    return out;
  } catch (err) {
    return { error: `metrics unreadable: ${(err as Error).message}` };
  }
}

/**
 * Where a delivery's time went, from the dispatcher's own records (all clocks on this machine):
 * ledger row (processed_at) → delivery row created (the fan-out's job consumed) → attempt
 * started → answered (latency_ms) → recorded (completed_at). p50/p99 in ms, events from `fromId` on.
 */
async function stages(ds: DataSource, fromId: number, endpointIds: readonly string[], slowOnes = false): Promise<Record<string, unknown> | string> {
  try {
    const rows = (await ds.query(
      `SELECT d.endpoint_id AS endpointId, CAST(e.processed_at AS SIGNED) AS storedAt, CAST(a.started_at AS SIGNED) AS startedAt,
              CAST(d.created_at AS SIGNED) - CAST(e.processed_at AS SIGNED) AS toJob, CAST(a.started_at AS SIGNED) - CAST(d.created_at AS SIGNED) AS toAttempt,
              a.latency_ms AS send, CAST(d.completed_at AS SIGNED) - CAST(a.started_at AS SIGNED) - a.latency_ms AS toRecorded
         FROM deliveries d JOIN events e ON e.id = d.event_id JOIN delivery_attempts a ON a.endpoint_id = d.endpoint_id AND a.event_id = d.event_id AND a.attempt = 1
        WHERE d.event_id >= ?`,
      [fromId],
    )) as Array<Record<string, unknown>>;
    const out: Record<string, unknown> = {};
    for (const k of ['toJob', 'toAttempt', 'send', 'toRecorded']) {
      const xs = rows.map((r) => Number(r[k])).filter(Number.isFinite);
      out[k] = { p50: round(percentile(xs, 50), 1), p99: round(percentile(xs, 99), 1) };
    }
    if (!slowOnes) return out;
    // Deliveries that waited in their lane (job consumed → attempt started) over half a second:
    // per endpoint, and per second of the run in which their attempt started.
    const first = Math.min(...rows.map((r) => Number(r.storedAt)));
    const slow = rows.filter((r) => Number(r.toAttempt) > 500);
    const perEndpoint: Record<string, number> = {};
    const bySecond: Record<string, number> = {};
    for (const r of slow) {
      const k = `endpoint ${endpointIds.indexOf(String(r.endpointId))}`;
      perEndpoint[k] = (perEndpoint[k] ?? 0) + 1;
      const sec = `s${Math.floor((Number(r.startedAt) - first) / 1000)}`;
      bySecond[sec] = (bySecond[sec] ?? 0) + 1;
    }
    out.waitedOver500ms = { count: slow.length, of: rows.length, perEndpoint, attemptStartedInSecond: bySecond };
    return out;
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  }
}

/** What the database and the consumer group say, for a failure report or the figure's details. */
async function diagnostics(env: BenchEnv, s: Setup, procs: readonly ServiceProcess[]): Promise<Record<string, unknown>> {
  const q = async (sql: string): Promise<unknown> => {
    try {
      return await s.ds.query(sql);
    } catch (err) {
      return `failed: ${(err as Error).message}`;
    }
  };
  let lag: unknown;
  try {
    const [committed] = await env.admin.fetchOffsets({ groupId: s.groupId, topics: [s.topic] });
    const high = await env.admin.fetchTopicOffsets(s.topic);
    lag = {
      produced: high.reduce((n, p) => n + Number(p.high), 0),
      committed: (committed?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0),
    };
  } catch (err) {
    lag = `failed: ${(err as Error).message}`;
  }
  return {
    ledgerRows: await q('SELECT COUNT(*) AS n, MAX(id) AS maxId FROM events'),
    fanoutCursor: await q('SELECT name, last_event_id FROM delivery_cursor'),
    deliveriesByState: await q('SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state'),
    attemptsByOutcome: await q('SELECT outcome, COUNT(*) AS n FROM delivery_attempts GROUP BY outcome'),
    deliveriesTopic: lag,
    dispatchers: Object.fromEntries(await Promise.all(procs.map(async (p) => [p.name, await dispatcherCounters(p)] as const))),
  };
}

function logTail(env: BenchEnv, procs: readonly ServiceProcess[]): string {
  return procs
    .map((p) => {
      try {
        const text = readFileSync(join(env.logDir, `${p.name}.log`), 'utf8');
        return `--- ${p.name} (last lines of ${join(env.logDir, `${p.name}.log`)}):\n${text.slice(-3000)}`;
      } catch {
        return `--- ${p.name}: no log`;
      }
    })
    .join('\n');
}

/**
 * Waits until the tally holds `expected` distinct deliveries; throws, with what the database,
 * the topic and the dispatchers' logs say, when nothing new arrives for STALL_MS.
 */
async function awaitDeliveries(
  env: BenchEnv,
  what: string,
  t: Tally,
  expected: number,
  s: Setup,
  procs: readonly ServiceProcess[],
  stallMs = STALL_MS,
): Promise<void> {
  let seen = t.unique;
  let progressAt = Date.now();
  let reported = Date.now();
  while (t.unique < expected) {
    await sleep(100);
    if (t.unique !== seen) {
      seen = t.unique;
      progressAt = Date.now();
    }
    if (Date.now() - reported > 10_000) {
      reported = Date.now();
      env.progress(`deliveries ${what}: ${t.unique} of ${expected} delivered (${t.duplicates} duplicates)`);
    }
    if (Date.now() - progressAt > stallMs) {
      const diag = await diagnostics(env, s, procs);
      throw new Error(
        `deliveries ${what}: stalled at ${t.unique} of ${expected} (event, endpoint) pairs received, nothing new for ${stallMs / 1000} s; ` +
          `requests ${t.requests}, duplicates ${t.duplicates}, strays ${t.strays}, per endpoint ${JSON.stringify(t.perEndpoint)}; ${JSON.stringify(diag)}\n${logTail(env, procs)}`,
      );
    }
  }
}

/** Pairs of these events and endpoints that never arrived (a few, for the failure message). */
function missingPairs(t: Tally, ids: readonly number[], endpoints: number): { count: number; sample: string[] } {
  let count = 0;
  const sample: string[] = [];
  for (const id of ids) {
    for (let k = 0; k < endpoints; k++) {
      if (!t.first.has(pairKey(id, k))) {
        count++;
        if (sample.length < 10) sample.push(`event ${id} → endpoint ${k}`);
      }
    }
  }
  return { count, sample };
}

/** CPU counters at one moment: the dispatchers, the broker and database servers, this process. */
interface CpuMark {
  procs: number[];
  infra: { broker: number; database: number };
  self: NodeJS.CpuUsage;
  at: number;
}

const cpuMark = (env: BenchEnv, procs: readonly ServiceProcess[]): CpuMark => ({
  procs: procs.map((p) => p.cpuMs()),
  infra: env.infraCpuMs(),
  self: process.cpuUsage(),
  at: performance.now(),
});

/** CPU used since `m`: µs per delivery (dispatchers, database, broker) and percent of one core per process. */
function cpuSince(env: BenchEnv, procs: readonly ServiceProcess[], m: CpuMark, deliveries: number) {
  const used = procs.map((p, i) => p.cpuMs() - (m.procs[i] as number));
  const infra = env.infraCpuMs();
  const self = process.cpuUsage(m.self);
  const wallMs = performance.now() - m.at;
  const pct = (ms: number): number => Math.round((ms / wallMs) * 100);
  const perDelivery = (ms: number): number => round((ms * 1000) / Math.max(1, deliveries), 1);
  const cpuPercent: Record<string, number> = Object.fromEntries(procs.map((p, i) => [p.name, pct(used[i] as number)]));
  cpuPercent['bench (receiver, ledger writes)'] = pct((self.user + self.system) / 1000);
  cpuPercent['database server'] = pct(infra.database - m.infra.database);
  cpuPercent['kafka broker'] = pct(infra.broker - m.infra.broker);
  return {
    dispatcherCpuUsPerDelivery: perDelivery(used.reduce((a, b) => a + b, 0)),
    databaseCpuUsPerDelivery: perDelivery(infra.database - m.infra.database),
    brokerCpuUsPerDelivery: perDelivery(infra.broker - m.infra.broker),
    cpuPercent,
  };
}

interface ThroughputRun {
  deliveries: number;
  perSec: number;
  seconds: number;
  requests: number;
  duplicates: number;
  strays: number;
  bytesPerDelivery: number;
  perEndpoint: number[];
  /** performance.now() from the bulk insert's start to the first arrival. */
  firstArrivalMs: number;
  storeSec: number;
  dispatcherCpuUsPerDelivery: number;
  databaseCpuUsPerDelivery: number;
  brokerCpuUsPerDelivery: number;
  /** Percent of one core each used over the run (from the bulk insert to the last arrival). */
  cpuPercent: Record<string, number>;
  stagesMs: Awaited<ReturnType<typeof stages>>;
  afterwards: Record<string, unknown>;
}

/** Stores `events` in bulk while the dispatchers run and waits for every (event, endpoint) at the receiver. */
async function throughput(
  env: BenchEnv,
  receiver: Receiver,
  s: Setup,
  procs: readonly ServiceProcess[],
  events: number,
  seed: number,
  label: string,
): Promise<ThroughputRun> {
  const endpoints = s.endpointIds.length;
  const expected = events * endpoints;
  const t = receiver.phase();
  const mark = cpuMark(env, procs);
  const started = performance.now();
  const ids = await storeBulk(s.ds, seed, events);
  const storeSec = (performance.now() - started) / 1000;
  env.progress(`deliveries ${label}: ${events} events stored in ${round(storeSec, 1)} s; waiting for ${expected} deliveries`);
  await awaitDeliveries(env, label, t, expected, s, procs);
  const missing = missingPairs(t, ids, endpoints);
  if (missing.count > 0 || t.unique !== expected) {
    throw new Error(
      `deliveries ${label}: ${missing.count} (event, endpoint) pairs never arrived although ${t.unique} distinct ones did (e.g. ${missing.sample.join(', ')}); ${JSON.stringify(await diagnostics(env, s, procs))}`,
    );
  }
  const cpu = cpuSince(env, procs, mark, expected);
  // The attempt log trails the arrivals by a recorder flush; give it a moment before reading it.
  await waitFor(
    'the attempt log to catch up',
    async () => {
      const [r] = (await s.ds.query("SELECT COUNT(*) AS n FROM deliveries WHERE state = 'succeeded'")) as Array<{ n: unknown }>;
      return Number(r?.n ?? 0) >= expected;
    },
    15_000,
    200,
  ).catch(() => undefined);
  return {
    deliveries: t.unique,
    perSec: ratePerSec(t),
    seconds: round((t.lastAt - t.firstAt) / 1000, 2),
    requests: t.requests,
    duplicates: t.duplicates,
    strays: t.strays,
    bytesPerDelivery: Math.round(t.bodyBytes / Math.max(1, t.requests)),
    perEndpoint: t.perEndpoint,
    firstArrivalMs: Math.round(t.firstAt - started),
    storeSec: round(storeSec, 2),
    ...cpu,
    stagesMs: await stages(s.ds, ids[0] ?? 0, s.endpointIds),
    afterwards: await diagnostics(env, s, procs),
  };
}

interface LatencyRun {
  offeredEventsPerSec: number;
  offeredDeliveriesPerSec: number;
  achievedEventsPerSec: number;
  events: number;
  batches: number;
  deliveries: number;
  missing: number;
  missingSample: string[];
  duplicates: number;
  /** Stored (the insert committed) → first arrival, ms. */
  p50: number;
  p99: number;
  max: number;
  /** The same from the row's processed_at (set before the transaction), ms. */
  fromProcessedAtP50: number;
  fromProcessedAtP99: number;
  insertP50: number;
  insertP99: number;
  /** CPU per delivery over the load (and its tail), and percent of one core, as in the throughput run. */
  dispatcherCpuUsPerDelivery: number;
  databaseCpuUsPerDelivery: number;
  brokerCpuUsPerDelivery: number;
  cpuPercent: Record<string, number>;
  stagesMs: Awaited<ReturnType<typeof stages>>;
}

/**
 * Events stored at a steady rate in small batches (every BATCH_MS, whatever is due by then)
 * while the dispatcher runs; latency per (event, endpoint) from the commit of its ledger row to
 * its first arrival at the receiver, both on this process's clock.
 */
async function latency(
  env: BenchEnv,
  receiver: Receiver,
  s: Setup,
  procs: readonly ServiceProcess[],
  eventsPerSec: number,
  seconds: number,
  seed: number,
): Promise<LatencyRun> {
  const BATCH_MS = 20;
  const endpoints = s.endpointIds.length;
  const t = receiver.phase();
  const committedAt = new Map<number, number>();
  const preparedAt = new Map<number, number>();
  const insertMs: number[] = [];
  const total = Math.max(1, Math.round(eventsPerSec * seconds));
  let stored = 0;
  let batches = 0;
  const mark = cpuMark(env, procs);
  const started = performance.now();
  while (stored < total) {
    const due = Math.min(total, Math.floor((eventsPerSec * (performance.now() - started)) / 1000));
    if (due > stored) {
      const n = due - stored;
      const prepared = performance.now();
      const ids = await storeEvents(s.ds, seed, stored, n, Date.now());
      const done = performance.now();
      insertMs.push(done - prepared);
      for (const id of ids) {
        committedAt.set(id, done);
        preparedAt.set(id, prepared);
      }
      stored += n;
      batches++;
    }
    await sleep(BATCH_MS);
  }
  const loadSec = (performance.now() - started) / 1000;
  const ids = [...committedAt.keys()];
  const expected = ids.length * endpoints;
  await awaitDeliveries(env, 'at half load', t, expected, s, procs, TAIL_MS).catch((err: unknown) => env.progress((err as Error).message.split('\n')[0] ?? ''));
  const cpu = cpuSince(env, procs, mark, t.unique);
  const samples: number[] = [];
  const fromPrepared: number[] = [];
  for (const id of ids) {
    for (let k = 0; k < endpoints; k++) {
      const at = t.first.get(pairKey(id, k));
      if (at === undefined) continue;
      samples.push(Math.max(0, at - (committedAt.get(id) as number)));
      fromPrepared.push(Math.max(0, at - (preparedAt.get(id) as number)));
    }
  }
  const missing = missingPairs(t, ids, endpoints);
  return {
    offeredEventsPerSec: round(eventsPerSec, 1),
    offeredDeliveriesPerSec: round(eventsPerSec * endpoints, 1),
    achievedEventsPerSec: round(stored / loadSec, 1),
    events: stored,
    batches,
    deliveries: samples.length,
    missing: missing.count,
    missingSample: missing.sample,
    duplicates: t.duplicates,
    p50: round(percentile(samples, 50), 1),
    p99: missing.count > 0 ? Number.POSITIVE_INFINITY : round(percentile(samples, 99), 1),
    max: round(Math.max(...samples), 1),
    fromProcessedAtP50: round(percentile(fromPrepared, 50), 1),
    fromProcessedAtP99: round(percentile(fromPrepared, 99), 1),
    insertP50: round(percentile(insertMs, 50), 1),
    insertP99: round(percentile(insertMs, 99), 1),
    ...cpu,
    stagesMs: await stages(s.ds, Math.min(...ids), s.endpointIds, true),
  };
}

type CeilingRun = ClientResult & { perSec: number; receivedSec: number; bytesPerRequest: number; duplicates: number; cpuPercent: Record<string, number> };

/** The bare client (servers/deliveries-client.ts, its own process) posting the same bodies to the same receiver. */
async function ceiling(client: ServiceProcess, receiver: Receiver, endpoints: number, concurrency: number, events: number, seed: number): Promise<CeilingRun> {
  const t = receiver.phase();
  const ids = spreadEndpointIds(endpoints);
  const run: ClientRun = {
    targets: ids.map((endpointId, k) => ({ url: receiver.url(k), endpointId })),
    events,
    seed,
    firstId: 1,
    concurrency,
    secret: generateSecret(),
  };
  const cpu0 = client.cpuMs();
  const self0 = process.cpuUsage();
  const started = performance.now();
  const res = await fetch(`${client.url}/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(run) });
  const wallMs = performance.now() - started;
  const self = process.cpuUsage(self0);
  const cpuPercent = {
    'bare client': Math.round(((client.cpuMs() - cpu0) / wallMs) * 100),
    'bench (receiver)': Math.round(((self.user + self.system) / 1000 / wallMs) * 100),
  };
  if (!res.ok) throw new Error(`deliveries ceiling: the client answered ${res.status}: ${(await res.text()).slice(0, 2000)}`);
  const result = (await res.json()) as ClientResult;
  const expected = events * endpoints;
  if (result.ok !== expected || t.unique !== expected)
    throw new Error(
      `deliveries ceiling: ${result.ok} of ${expected} requests succeeded (${result.failed} failed, first: ${result.firstError}), ${t.unique} distinct received`,
    );
  return {
    ...result,
    perSec: ratePerSec(t),
    receivedSec: round((t.lastAt - t.firstAt) / 1000, 2),
    bytesPerRequest: Math.round(t.bodyBytes / Math.max(1, t.requests)),
    duplicates: t.duplicates,
    cpuPercent,
  };
}

/** One throughput run of `n` replicas on a fresh database, topic and group; `during` runs with the replicas still up. */
async function withDispatchers<T>(
  env: BenchEnv,
  profile: Profile,
  receiver: Receiver,
  n: number,
  during: (s: Setup, procs: readonly ServiceProcess[]) => Promise<T>,
): Promise<T> {
  const s = await setUp(env, `${n}x`);
  let procs: ServiceProcess[] = [];
  try {
    env.progress(`deliveries x${n}: starting ${n} dispatcher replica${n > 1 ? 's' : ''}`);
    procs = await startDispatchers(env, profile, s, n);
    await createEndpoints(env, s, receiver, procs, profile.deliveries.endpoints);
    return await during(s, procs);
  } finally {
    for (const p of procs) await p.stop();
    await tearDown(s);
  }
}

/** Endpoints each replica started a lane for (its lanes gauge), e.g. "2/2". */
function split(run: ThroughputRun): string {
  const d = run.afterwards.dispatchers as Record<string, Record<string, number | string>> | undefined;
  return Object.values(d ?? {})
    .map((c) => String(c.lanes ?? '?'))
    .join('/');
}

/**
 * Outbound deliveries (issue 9, item 8): the dispatcher's deliveries/s to a local receiver
 * against a bare client posting the same bodies in the same run, and event-stored → delivered
 * latency at half of that load. The dispatcher runs as its real entry point (its own process,
 * like the client); the receiver runs here, where arrivals are counted. The ceiling is measured
 * in two halves, before and after the one-replica run, and the better half counts, so load that
 * other work puts on the machine meanwhile does not make the ceiling look low.
 *
 * Figures are reported as soon as they are measured, so a later phase failing keeps them.
 */
export async function runDeliveriesSection(env: BenchEnv, profile: Profile, report: (f: Figure) => void): Promise<void> {
  const { endpoints, endpointConcurrency, events, latencySec, replicas } = profile.deliveries;
  const inFlight = endpoints * endpointConcurrency;
  const half = Math.ceil(events / 2);
  const problems: string[] = [];
  const receiver = await startReceiver(endpoints);
  let client: ServiceProcess | undefined;
  try {
    client = await env.spawn('deliveries-client', 'test/bench/servers/deliveries-client.ts', env.serviceEnv({ LOG_LEVEL: 'warn' }));
    const bareClient = client;
    env.progress(`deliveries: ceiling (1 of 2), a bare client posting ${half * endpoints} signed bodies at concurrency ${inFlight}`);
    // A warm-up first (JIT, connections), as the dispatcher's own rate is measured over a longer run.
    const warmup = Math.min(500, half);
    await ceiling(bareClient, receiver, endpoints, inFlight, warmup, 70);
    const before = await ceiling(bareClient, receiver, endpoints, inFlight, half, 71);

    const one = await withDispatchers(env, profile, receiver, 1, async (s, procs) => {
      const run = await throughput(env, receiver, s, procs, events, 73, 'x1');
      const rate = Math.max(1, run.perSec / 2 / endpoints);
      env.progress(
        `deliveries x1: ${Math.round(run.perSec)} deliveries/s; half load, ${round(rate, 1)} events/s (${Math.round(rate * endpoints)} deliveries/s) for ${latencySec} s`,
      );
      const lat = await latency(env, receiver, s, procs, rate, latencySec, 79);
      if (lat.missing > 0)
        problems.push(
          `deliveries at half load: ${lat.missing} of ${lat.events * endpoints} deliveries never arrived (e.g. ${lat.missingSample.join(', ')}); ${JSON.stringify(await diagnostics(env, s, procs))}\n${logTail(env, procs)}`,
        );
      return { run, lat };
    });

    env.progress(`deliveries: ceiling (2 of 2)`);
    const after = await ceiling(bareClient, receiver, endpoints, inFlight, half, 72);
    const bare = after.perSec > before.perSec ? after : before;
    const ceilingDetails = { before, after, requestsEach: half * endpoints, warmupRequests: warmup * endpoints, concurrency: inFlight };
    env.progress(`deliveries: ceiling ${Math.round(before.perSec)} / ${Math.round(after.perSec)} requests/s`);

    const { run, lat } = one;
    report({
      id: 'deliveries.1replica.dps',
      label: 'deliveries/s to a local receiver, 1 dispatcher',
      value: run.perSec,
      unit: 'dlv/s',
      ceiling: bare.perSec,
      ceilingLabel: 'bare undici client',
      higherIsBetter: true,
      note:
        `${endpoints} endpoints (paths of one local node:http receiver answering 200 at once) × DELIVERY_ENDPOINT_CONCURRENCY ${endpointConcurrency} = ${inFlight} in flight; ` +
        `${events} events stored in bulk once the dispatcher had joined its group (${events * endpoints} deliveries, ~${run.bytesPerDelivery} B bodies), rate from first to last arrival at the receiver. ` +
        `Ceiling = createHttpSender (the dispatcher's undici client and agent, so also at most 32 connections to the one origin) in its own process posting the same bodies, signed per request, ` +
        `at concurrency ${inFlight}, after ${warmup * endpoints} warm-up requests: best of ${half * endpoints} requests before and after the dispatcher runs (${Math.round(before.perSec)} / ${Math.round(after.perSec)} requests/s). ` +
        `CPU per delivery: dispatcher ${run.dispatcherCpuUsPerDelivery} µs, database ${run.databaseCpuUsPerDelivery} µs, broker ${run.brokerCpuUsPerDelivery} µs; ${run.duplicates} duplicate arrivals`,
      details: { ...run, endpoints, endpointConcurrency, ceiling: ceilingDetails, settings: profile.dispatcherEnv },
    });
    const latDetails = { ...lat, throughputDeliveriesPerSec: round(run.perSec, 1) };
    report({
      id: 'deliveries.latency.p50',
      label: 'deliveries stored → delivered p50, half load',
      value: lat.p50,
      unit: 'ms',
      higherIsBetter: false,
      note:
        `${lat.events} events stored at ${lat.offeredEventsPerSec} events/s in ${lat.batches} small transactions (every 20 ms) × ${endpoints} endpoints = ${lat.offeredDeliveriesPerSec} deliveries/s, ` +
        `half the 1-dispatcher rate, for ${latencySec} s; stored = the ledger insert committed, delivered = first arrival at the receiver ` +
        `(from the row's processed_at instead: p50 ${lat.fromProcessedAtP50} ms, p99 ${lat.fromProcessedAtP99} ms); FANOUT_IDLE_MS 20; ` +
        `${lat.missing} deliveries never arrived within ${TAIL_MS / 1000} s, ${lat.duplicates} duplicates`,
      details: latDetails,
    });
    report({
      id: 'deliveries.latency.p99',
      label: 'deliveries stored → delivered p99, half load',
      value: lat.p99,
      unit: 'ms',
      higherIsBetter: false,
      details: latDetails,
    });

    for (const n of replicas.filter((r) => r > 1)) {
      const more = await withDispatchers(env, profile, receiver, n, (s, procs) => throughput(env, receiver, s, procs, events, 73 + n, `x${n}`));
      env.progress(`deliveries x${n}: ${Math.round(more.perSec)} deliveries/s`);
      report({
        id: `deliveries.${n}replicas.dps`,
        label: `deliveries/s to a local receiver, ${n} dispatchers`,
        value: more.perSec,
        unit: 'dlv/s',
        ceiling: bare.perSec,
        ceilingLabel: 'bare undici client',
        higherIsBetter: true,
        note: `the 1-dispatcher load on ${n} replicas (endpoints per replica: ${split(more)}); CPU per delivery: dispatchers ${more.dispatcherCpuUsPerDelivery} µs, database ${more.databaseCpuUsPerDelivery} µs; ${more.duplicates} duplicate arrivals`,
        details: { ...more, endpoints, endpointConcurrency, ceiling: ceilingDetails, settings: profile.dispatcherEnv },
      });
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
  } finally {
    await client?.stop();
    await receiver.close();
  }
}
