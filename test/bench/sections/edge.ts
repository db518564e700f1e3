import { join } from 'node:path';
import type { BenchEnv } from '../env.js';
import { interleavedClosedLoops, openLoop, type LoadRequest, type LoadResult, type OpenLoopRequest, type OpenLoopResult } from '../load.js';
import type { Figure } from '../report.js';
import type { Profile } from '../profiles.js';
import {
  BENCH_SOURCE,
  BENCH_SOURCES_FILE,
  envelopesFor,
  importEvent,
  notificationEvent,
  signDelivery,
  sourceDelivery,
  sourceEnvelopesFor,
  type Notification,
} from '../workload.js';
import { producerPerformance, type ProducerPerformanceResult } from './kafka-ceiling.js';

const PATH = '/webhooks/hubspot';
const SOURCES_PATH = `/webhooks/sources/${BENCH_SOURCE}`;
/** Whole seconds: autocannon ends a run on its 1 s tick. */
const SLICE_SEC = 2;

/** Distinct pre-signed deliveries of `size` events each, so keys spread over partitions. */
function deliveries(baseUrl: string, size: number, count: number, seed: number) {
  const now = Date.now();
  return Array.from({ length: count }, (_, d) => {
    const events = Array.from({ length: size }, (_, i) => importEvent(d * size + i, seed));
    const { body, headers } = signDelivery(`${baseUrl}${PATH}`, events, now);
    return { method: 'POST' as const, path: PATH, headers, body };
  });
}

/** The same for the sources route: as many deliveries as the HubSpot runs cycle through, distinct event_ids. */
function sourceDeliveries(size: number, count: number, seed: number) {
  return Array.from({ length: count }, (_, d) => {
    const { body, headers } = sourceDelivery(Array.from({ length: size }, (_, i) => notificationEvent(d * size + i, seed)));
    return { method: 'POST' as const, path: SOURCES_PATH, headers, body };
  });
}

/** cpuUsPerRequest is the server's; brokerCpuUsPerRequest is measured on the edge runs only (NaN where the broker is not a local process). */
type Measured = LoadResult & { cpuUsPerRequest: number; brokerCpuUsPerRequest?: number };

/**
 * "Per event no slower than the HubSpot route": sources events/s over HubSpot events/s at the
 * same batch size, both measured on one edge process in alternating slices, at the same concurrency;
 * the ceiling slot holds HubSpot's figure, so the table's ratio is that quotient. Edge and
 * broker CPU per event go with it in the note: CPU moves less than throughput on a shared
 * machine, and the broker's share shows what the larger sources envelope costs downstream.
 */
export function perEventComparison(batch: 1 | 100, sources: Measured, hubspot: Measured): Figure {
  const cpu = (r: Measured) => Math.round((r.cpuUsPerRequest / batch) * 10) / 10;
  const broker = (r: Measured) => Math.round(((r.brokerCpuUsPerRequest ?? Number.NaN) / batch) * 10) / 10;
  const cpuRatio = cpu(sources) > 0 ? Math.round((cpu(hubspot) / cpu(sources)) * 100) / 100 : Number.NaN;
  return {
    id: `edge.sources.vsHubspot.${batch}event`,
    label: `edge sources vs HubSpot events/s, ${batch}-event deliveries`,
    value: sources.okPerSec * batch,
    unit: 'ev/s',
    ceiling: hubspot.okPerSec * batch,
    ceilingLabel: 'HubSpot route',
    higherIsBetter: true,
    target: { kind: 'minRatio', min: 1 },
    note:
      `ratio = sources events/s ÷ HubSpot events/s, ${batch}-event deliveries, same edge process (PROVIDERS=hubspot,sources), same connections, measured in alternating ${SLICE_SEC} s slices; ≥ 1 means per event no slower than the HubSpot route. ` +
      `Edge CPU per event: sources ${cpu(sources)} µs, HubSpot ${cpu(hubspot)} µs (HubSpot ÷ sources ${cpuRatio}); broker CPU per event: sources ${broker(sources)} µs, HubSpot ${broker(hubspot)} µs`,
    details: {
      sourcesCpuUsPerEvent: cpu(sources),
      hubspotCpuUsPerEvent: cpu(hubspot),
      cpuRatio,
      sourcesBrokerCpuUsPerEvent: broker(sources),
      hubspotBrokerCpuUsPerEvent: broker(hubspot),
    },
  };
}

export interface EdgeResults {
  figures: Figure[];
  /** Highest 1-event deliveries/s the edge sustained in this run (for the end-to-end load). */
  edgeRps: number;
}

function loadDetails(r: LoadResult & { cpuUsPerRequest?: number; brokerCpuUsPerRequest?: number }) {
  return {
    okPerSec: Math.round(r.okPerSec),
    p50: r.p50,
    p99: r.p99,
    ok: r.ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationSec: r.durationSec,
    serverCpuUsPerRequest: r.cpuUsPerRequest,
    brokerCpuUsPerRequest: r.brokerCpuUsPerRequest,
  };
}

/** A server of the section and the CPU meter its runs are charged with. */
interface Target {
  url: string;
  requests: LoadRequest[];
  /** The meter (in `meters`) whose CPU is this target's server's. */
  meter: string;
}

/**
 * Several request sets, each warmed up and then measured for the profile's duration in
 * alternating slices (see interleavedClosedLoops): measured one after the other, load from
 * other work that started or stopped in between (and this host's speed, which drifts by a third
 * within minutes) would count against one set only and skew their ratio. The bare route and the
 * edge's two routes share slices this way, so the 1-event ratios compare like with like.
 */
async function interleaved(
  env: BenchEnv,
  targets: readonly Target[],
  meters: Record<string, () => number>,
  connections: number,
  profile: Profile,
): Promise<Measured[]> {
  const { durationSec, warmupSec } = profile.http;
  const rs = await interleavedClosedLoops(
    targets.map(({ url, requests }) => ({ url, requests, connections, durationSec })),
    { durationSec, warmupSec, sliceSec: SLICE_SEC, meters: { ...meters, broker: () => env.infraCpuMs().broker } },
  );
  const perRequest = (ms: number | undefined, ok: number) => Math.round(((ms ?? Number.NaN) * 1000) / Math.max(1, ok));
  return rs.map(({ cpuMs, ...r }, i) => ({
    ...r,
    cpuUsPerRequest: perRequest(cpuMs[(targets[i] as Target).meter], r.ok),
    brokerCpuUsPerRequest: perRequest(cpuMs.broker, r.ok),
  }));
}

/** Open-loop latency of one route at a fixed rate (issue 14: p99 at half of the sustained rate). */
interface HalfLoad {
  ratePerSec: number;
  warmup: number;
  result: OpenLoopResult;
}

/**
 * `pool` cycled for `durationSec` at `ratePerSec`, sent on schedule whatever the answers do
 * (openLoop), so the latencies are those a sender at that rate sees. The edge does not
 * dedupe, so resending a pool entry costs it what a new delivery would.
 */
async function halfLoad(url: string, pool: readonly OpenLoopRequest[], ratePerSec: number, durationSec: number, warmupSec: number): Promise<HalfLoad> {
  const rate = Math.max(1, Math.round(ratePerSec));
  const requests = Array.from({ length: rate * (warmupSec + durationSec) }, (_, i) => pool[i % pool.length] as OpenLoopRequest);
  // The warm-up's requests open the client's sockets: a latency a steady sender never sees.
  const result = await openLoop(url, requests, rate, { warmup: rate * warmupSec });
  const failed = result.statuses.filter((s) => s < 200 || s >= 300).length;
  if (failed > 0) throw new Error(`open loop at ${rate} req/s: ${failed} of ${requests.length} requests were not answered 2xx; see bench/results/logs`);
  return { ratePerSec: rate, warmup: rate * warmupSec, result };
}

function halfLoadFigure(id: string, what: string, batch: number, sustainedPerSec: number, h: HalfLoad): Figure {
  return {
    id,
    label: `edge HubSpot ${what} p99 at half the sustained rate`,
    value: h.result.latencyP99,
    unit: 'ms',
    higherIsBetter: false,
    note: `open loop at ${h.ratePerSec} deliveries/s (${h.ratePerSec * batch} events/s; the closed loop sustained ${Math.round(sustainedPerSec)}/s), achieved ${Math.round(h.result.achievedPerSec)}/s; p50 ${h.result.latencyP50} ms`,
    details: {
      offeredPerSec: h.ratePerSec,
      achievedPerSec: Math.round(h.result.achievedPerSec),
      p50: h.result.latencyP50,
      p99: h.result.latencyP99,
      requests: h.result.sentAt.length,
    },
  };
}

function assertClean(what: string, r: LoadResult): void {
  if (r.non2xx > 0 || r.errors > 0 || r.ok === 0) throw new Error(`${what}: ${r.ok} ok, ${r.non2xx} non-2xx, ${r.errors} errors; see bench/results/logs`);
}

/** Proves the measured sources route validates: an event the schema refuses must get 422, not 200. */
async function assertValidates(url: string, sample: { headers: Record<string, string>; body: string }): Promise<void> {
  const event = { ...(JSON.parse(sample.body) as Notification), description: 42 };
  const res = await fetch(`${url}${SOURCES_PATH}`, { method: 'POST', headers: sample.headers, body: JSON.stringify(event) });
  const text = await res.text();
  if (res.status !== 422 || !text.includes('/description'))
    throw new Error(`sources route: an event with a numeric description got ${res.status} ${text.slice(0, 300)}; expected 422 from schema validation`);
}

/**
 * Edge throughput and latency against their ceilings: 1-event deliveries against a bare Fastify
 * route, 100-event deliveries against Kafka's ProducerPerformance with the same record size.
 * One edge process hosts HubSpot and the generic sources provider (PROVIDERS=hubspot,sources),
 * and each batch size is measured on both routes in alternating slices, so the two see the same
 * process, broker and machine load as nearly as a run allows.
 */
export async function runEdgeSection(env: BenchEnv, profile: Profile): Promise<EdgeResults> {
  const figures: Figure[] = [];
  const { connections, durationSec, warmupSec } = profile.http;

  const bare = await env.spawn('bare', 'test/bench/servers/bare.ts', env.serviceEnv({}));
  let bareRun: Measured;
  const topic = await env.newTopic('edge');
  const sourcesTopic = await env.newTopic('edge-sources');
  const edge = await env.spawn(
    'edge',
    'services/edge/src/main.ts',
    env.serviceEnv({
      KAFKA_TOPIC: topic,
      PROVIDERS: 'hubspot,sources',
      SOURCES_FILE: join(env.root, BENCH_SOURCES_FILE),
      SOURCES_KAFKA_TOPIC: sourcesTopic,
      ...profile.edgeEnv,
    }),
  );
  let one: Measured;
  let hundred: Measured;
  let sourcesOne: Measured;
  let sourcesHundred: Measured;
  let halfOne: HalfLoad;
  let halfHundred: HalfLoad;
  let envelopeBytes = 0;
  let sourcesEnvelopeBytes = 0;
  try {
    const small = sourceDeliveries(1, 500, 22);
    await assertValidates(edge.url, small[0] as (typeof small)[number]);
    env.progress(`edge: 1-event deliveries, the bare Fastify route (ceiling) and the HubSpot and sources routes in alternating ${SLICE_SEC} s slices`);
    const oneEvent: Target[] = [
      { url: bare.url, requests: deliveries(bare.url, 1, 500, 11), meter: 'bare' },
      { url: edge.url, requests: deliveries(edge.url, 1, 500, 12), meter: 'edge' },
      { url: edge.url, requests: small, meter: 'edge' },
    ];
    [bareRun, one, sourcesOne] = (await interleaved(env, oneEvent, { bare: () => bare.cpuMs(), edge: () => edge.cpuMs() }, connections, profile)) as [
      Measured,
      Measured,
      Measured,
    ];
    await bare.stop();
    assertClean('bare route', bareRun);
    assertClean('edge 1-event', one);
    assertClean('edge sources 1-event', sourcesOne);
    env.progress(`edge: 100-event deliveries, HubSpot and sources routes in alternating ${SLICE_SEC} s slices`);
    const big = deliveries(edge.url, 100, 50, 13);
    const sourcesBig = sourceDeliveries(100, 50, 23);
    const hundredEvent: Target[] = [
      { url: edge.url, requests: big, meter: 'edge' },
      { url: edge.url, requests: sourcesBig, meter: 'edge' },
    ];
    [hundred, sourcesHundred] = (await interleaved(env, hundredEvent, { edge: () => edge.cpuMs() }, profile.http.batchConnections, profile)) as [
      Measured,
      Measured,
    ];
    assertClean('edge 100-event', hundred);
    assertClean('edge sources 100-event', sourcesHundred);
    env.progress(
      `edge: HubSpot 1-event and 100-event deliveries, open loop at half the sustained rate, ${warmupSec} s warm-up and ${durationSec} s measured each`,
    );
    halfOne = await halfLoad(edge.url, deliveries(edge.url, 1, 500, 14), one.okPerSec / 2, durationSec, warmupSec);
    halfHundred = await halfLoad(edge.url, big, hundred.okPerSec / 2, durationSec, warmupSec);
    const requestId = '00000000-0000-4000-8000-000000000000';
    const sample = JSON.parse(big[0]?.body ?? '[]') as Parameters<typeof envelopesFor>[0];
    const envelopes = envelopesFor(sample, Date.now(), requestId);
    envelopeBytes = Math.round(envelopes.reduce((s, m) => s + m.value.length, 0) / envelopes.length);
    const sourcesEnvelopes = sourceEnvelopesFor(JSON.parse(sourcesBig[0]?.body ?? '[]') as Notification[], Date.now(), requestId);
    sourcesEnvelopeBytes = Math.round(sourcesEnvelopes.reduce((s, m) => s + m.value.length, 0) / sourcesEnvelopes.length);
  } finally {
    await Promise.all([edge.stop(), bare.stop()]);
  }

  env.progress(`broker ceiling: ProducerPerformance, ${profile.kafkaRecords} records of ${envelopeBytes} bytes, acks=all`);
  const perf = await producerPerformance({
    brokers: env.brokers,
    topic: await env.newTopic('perf'),
    records: profile.kafkaRecords,
    recordSize: envelopeBytes,
    log: env.log,
  });
  // The sources envelope (v2, with the ledger fields) is larger than HubSpot's v1: its ceiling
  // is the broker taking records of its own size; HubSpot's smaller records would understate
  // the sources route's ratio.
  env.progress(`broker ceiling for the sources route: ProducerPerformance, ${profile.kafkaRecords} records of ${sourcesEnvelopeBytes} bytes, acks=all`);
  const sourcesPerf: ProducerPerformanceResult = await producerPerformance({
    brokers: env.brokers,
    topic: await env.newTopic('perf-sources'),
    records: profile.kafkaRecords,
    recordSize: sourcesEnvelopeBytes,
    log: env.log,
  });

  figures.push(
    {
      id: 'edge.1event.rps',
      label: 'edge HubSpot 1-event deliveries/s',
      value: one.okPerSec,
      unit: 'req/s',
      ceiling: bareRun.okPerSec,
      ceilingLabel: 'bare Fastify',
      higherIsBetter: true,
      target: { kind: 'minRatio', min: 0.5 },
      note: `CPU per delivery: edge ${one.cpuUsPerRequest} µs, bare route ${bareRun.cpuUsPerRequest} µs`,
      details: { edge: loadDetails(one), bare: loadDetails(bareRun), connections },
    },
    {
      id: 'edge.1event.p50',
      label: 'edge HubSpot 1-event p50 latency',
      value: one.p50,
      unit: 'ms',
      ceiling: bareRun.p50,
      ceilingLabel: 'bare Fastify',
      higherIsBetter: false,
      note: `closed loop, ${connections} connections, at maximum throughput (autocannon reports whole ms)`,
    },
    {
      id: 'edge.1event.p99',
      label: 'edge HubSpot 1-event p99 latency',
      value: one.p99,
      unit: 'ms',
      ceiling: bareRun.p99,
      ceilingLabel: 'bare Fastify',
      higherIsBetter: false,
    },
    {
      id: 'edge.100event.eps',
      label: 'edge HubSpot events/s, 100-event deliveries',
      value: hundred.okPerSec * 100,
      unit: 'ev/s',
      ceiling: perf.recordsPerSec,
      ceilingLabel: 'Kafka ProducerPerformance',
      higherIsBetter: true,
      target: { kind: 'minRatio', min: 0.6 },
      note: `edge CPU ${Math.round(hundred.cpuUsPerRequest / 10) / 10} µs per event; ProducerPerformance sends ${profile.kafkaRecords} records of ${envelopeBytes} B (the envelope size), acks=all`,
      details: { edge: loadDetails(hundred), connections: profile.http.batchConnections, envelopeBytes, producerPerformance: perf },
    },
    {
      id: 'edge.sources.1event.rps',
      label: 'edge sources 1-event deliveries/s',
      value: sourcesOne.okPerSec,
      unit: 'req/s',
      ceiling: bareRun.okPerSec,
      ceilingLabel: 'bare Fastify',
      higherIsBetter: true,
      target: { kind: 'minRatio', min: 0.5 },
      // One bare run serves both routes: its body is HubSpot's 1-event delivery, of the same size as a notification.
      note: `POST ${SOURCES_PATH}, one event as a JSON object, API key, schema-validated (${BENCH_SOURCES_FILE}); CPU per delivery: edge ${sourcesOne.cpuUsPerRequest} µs, bare route ${bareRun.cpuUsPerRequest} µs (the same bare run as HubSpot's)`,
      details: { edge: loadDetails(sourcesOne), bare: loadDetails(bareRun), connections },
    },
    {
      id: 'edge.sources.1event.p50',
      label: 'edge sources 1-event p50 latency',
      value: sourcesOne.p50,
      unit: 'ms',
      ceiling: bareRun.p50,
      ceilingLabel: 'bare Fastify',
      higherIsBetter: false,
      note: `closed loop, ${connections} connections, at maximum throughput (autocannon reports whole ms)`,
    },
    {
      id: 'edge.sources.1event.p99',
      label: 'edge sources 1-event p99 latency',
      value: sourcesOne.p99,
      unit: 'ms',
      ceiling: bareRun.p99,
      ceilingLabel: 'bare Fastify',
      higherIsBetter: false,
    },
    {
      id: 'edge.sources.100event.eps',
      label: 'edge sources events/s, 100-event deliveries',
      value: sourcesHundred.okPerSec * 100,
      unit: 'ev/s',
      ceiling: sourcesPerf.recordsPerSec,
      ceilingLabel: 'Kafka ProducerPerformance',
      higherIsBetter: true,
      target: { kind: 'minRatio', min: 0.6 },
      note: `edge CPU ${Math.round(sourcesHundred.cpuUsPerRequest / 10) / 10} µs per event; ProducerPerformance sends ${profile.kafkaRecords} records of ${sourcesEnvelopeBytes} B (the sources envelope size; HubSpot's is ${envelopeBytes} B), acks=all`,
      details: {
        edge: loadDetails(sourcesHundred),
        connections: profile.http.batchConnections,
        envelopeBytes: sourcesEnvelopeBytes,
        producerPerformance: sourcesPerf,
      },
    },
    halfLoadFigure('edge.1event.halfRate.p99', '1-event', 1, one.okPerSec, halfOne),
    halfLoadFigure('edge.100event.halfRate.p99', '100-event', 100, hundred.okPerSec, halfHundred),
    perEventComparison(1, sourcesOne, one),
    perEventComparison(100, sourcesHundred, hundred),
  );
  return { figures, edgeRps: one.okPerSec };
}
