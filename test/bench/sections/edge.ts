import type { BenchEnv } from '../env.js';
import { closedLoop, type LoadResult } from '../load.js';
import type { Figure } from '../report.js';
import type { Profile } from '../profiles.js';
import { envelopesFor, importEvent, signDelivery } from '../workload.js';
import { producerPerformance } from './kafka-ceiling.js';

const PATH = '/webhooks/hubspot';

/** Distinct pre-signed deliveries of `size` events each, so keys spread over partitions. */
function deliveries(baseUrl: string, size: number, count: number, seed: number) {
  const now = Date.now();
  return Array.from({ length: count }, (_, d) => {
    const events = Array.from({ length: size }, (_, i) => importEvent(d * size + i, seed));
    const { body, headers } = signDelivery(`${baseUrl}${PATH}`, events, now);
    return { method: 'POST' as const, path: PATH, headers, body };
  });
}

export interface EdgeResults {
  figures: Figure[];
  /** Highest 1-event deliveries/s the edge sustained in this run (for the end-to-end load). */
  edgeRps: number;
}

function loadDetails(r: LoadResult & { cpuUsPerRequest?: number }) {
  return { okPerSec: Math.round(r.okPerSec), p50: r.p50, p99: r.p99, ok: r.ok, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, durationSec: r.durationSec, serverCpuUsPerRequest: r.cpuUsPerRequest };
}

/** A warm-up run, then the measured one with the server process's CPU time per answered request. */
async function measured(server: { cpuMs(): number }, opts: Parameters<typeof closedLoop>[0]): Promise<LoadResult & { cpuUsPerRequest: number }> {
  if ((opts.warmupSec ?? 0) > 0) await closedLoop({ ...opts, durationSec: opts.warmupSec as number, warmupSec: 0 });
  const c0 = server.cpuMs();
  const r = await closedLoop({ ...opts, warmupSec: 0 });
  return { ...r, cpuUsPerRequest: Math.round(((server.cpuMs() - c0) * 1000) / Math.max(1, r.ok)) };
}

function assertClean(what: string, r: LoadResult): void {
  if (r.non2xx > 0 || r.errors > 0 || r.ok === 0) throw new Error(`${what}: ${r.ok} ok, ${r.non2xx} non-2xx, ${r.errors} errors; see bench/results/logs`);
}

/**
 * Edge throughput and latency against their ceilings: 1-event deliveries against a bare Fastify
 * route, 100-event deliveries against Kafka's ProducerPerformance with the same record size.
 */
export async function runEdgeSection(env: BenchEnv, profile: Profile): Promise<EdgeResults> {
  const figures: Figure[] = [];
  const { connections, durationSec, warmupSec } = profile.http;

  env.progress('HTTP ceiling: bare Fastify route, 1-event deliveries');
  const bare = await env.spawn('bare', 'test/bench/servers/bare.ts', env.serviceEnv({}));
  let bareRun: LoadResult & { cpuUsPerRequest: number };
  try {
    bareRun = await measured(bare, { url: bare.url, requests: deliveries(bare.url, 1, 500, 11), connections, durationSec, warmupSec });
    assertClean('bare route', bareRun);
  } finally {
    await bare.stop();
  }

  const topic = await env.newTopic('edge');
  const edge = await env.spawn('edge', 'services/edge/src/main.ts', env.serviceEnv({ KAFKA_TOPIC: topic, ...profile.edgeEnv }));
  let one: LoadResult & { cpuUsPerRequest: number };
  let hundred: LoadResult & { cpuUsPerRequest: number };
  let envelopeBytes = 0;
  try {
    env.progress('edge: 1-event deliveries');
    one = await measured(edge, { url: edge.url, requests: deliveries(edge.url, 1, 500, 12), connections, durationSec, warmupSec });
    assertClean('edge 1-event', one);
    env.progress('edge: 100-event deliveries');
    const big = deliveries(edge.url, 100, 50, 13);
    hundred = await measured(edge, { url: edge.url, requests: big, connections: profile.http.batchConnections, durationSec, warmupSec });
    assertClean('edge 100-event', hundred);
    const sample = JSON.parse(big[0]?.body ?? '[]') as Parameters<typeof envelopesFor>[0];
    const envelopes = envelopesFor(sample, Date.now(), '00000000-0000-4000-8000-000000000000');
    envelopeBytes = Math.round(envelopes.reduce((s, m) => s + m.value.length, 0) / envelopes.length);
  } finally {
    await edge.stop();
  }

  env.progress(`broker ceiling: ProducerPerformance, ${profile.kafkaRecords} records of ${envelopeBytes} bytes, acks=all`);
  const perfTopic = await env.newTopic('perf');
  const perf = await producerPerformance({ brokers: env.brokers, topic: perfTopic, records: profile.kafkaRecords, recordSize: envelopeBytes, log: env.log });

  figures.push(
    {
      id: 'edge.1event.rps',
      label: 'edge 1-event deliveries/s',
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
      label: 'edge 1-event p50 latency',
      value: one.p50,
      unit: 'ms',
      ceiling: bareRun.p50,
      ceilingLabel: 'bare Fastify',
      higherIsBetter: false,
      note: `closed loop, ${connections} connections, at maximum throughput (autocannon reports whole ms)`,
    },
    {
      id: 'edge.1event.p99',
      label: 'edge 1-event p99 latency',
      value: one.p99,
      unit: 'ms',
      ceiling: bareRun.p99,
      ceilingLabel: 'bare Fastify',
      higherIsBetter: false,
    },
    {
      id: 'edge.100event.eps',
      label: 'edge events/s, 100-event deliveries',
      value: hundred.okPerSec * 100,
      unit: 'ev/s',
      ceiling: perf.recordsPerSec,
      ceilingLabel: 'Kafka ProducerPerformance',
      higherIsBetter: true,
      target: { kind: 'minRatio', min: 0.5 },
      note: `edge CPU ${Math.round(hundred.cpuUsPerRequest / 10) / 10} µs per event; ProducerPerformance sends ${profile.kafkaRecords} records of ${envelopeBytes} B (the envelope size), acks=all`,
      details: { edge: loadDetails(hundred), connections: profile.http.batchConnections, envelopeBytes, producerPerformance: perf },
    },
  );
  return { figures, edgeRps: one.okPerSec };
}
