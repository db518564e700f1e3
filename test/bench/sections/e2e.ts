import type { BenchEnv } from '../env.js';
import { openLoop, type OpenLoopRequest } from '../load.js';
import type { Figure } from '../report.js';
import type { Profile } from '../profiles.js';
import { percentile, round, sleep } from '../stats.js';
import { BENCH_API_TOKEN, BENCH_PORTAL, contactProperties, importEvent, importObjects, signDelivery } from '../workload.js';

interface ChangesPage {
  events: Array<{ eventId: number }>;
  nextCursor: string;
}

/**
 * End-to-end latency at half of the maximum sustained load: the whole fleet as processes (edge,
 * 2 processor replicas, events-api), 1-event deliveries sent open-loop at a fixed rate, and a
 * poller following /events/changes that notes when each event becomes readable. Latency is
 * "readable from events-api" minus "the edge answered 2xx".
 */
export async function runE2eSection(env: BenchEnv, profile: Profile, measured: { edgeRps?: number; processorEps?: number }): Promise<Figure[]> {
  if (!measured.edgeRps || !measured.processorEps) throw new Error('e2e needs the edge and processor figures of this run (run those sections too)');
  const maxSustained = Math.min(measured.edgeRps, measured.processorEps);
  const rate = Math.max(1, Math.floor(maxSustained / 2));
  const n = rate * profile.e2eSec;
  const seed = 31;
  for (const id of importObjects(n, seed)) env.fake.upsertObject(BENCH_PORTAL, 'contact', { id, properties: contactProperties(id) });

  const db = await env.newDatabase('e2e');
  const topic = await env.newTopic('e2e');
  const dlq = await env.newTopic('e2e-dlq');
  const common = { KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: dlq, DATABASE_URL: db.url };
  env.progress(`end-to-end: starting edge, 2 processors, events-api; then ${rate} deliveries/s for ${profile.e2eSec} s`);
  const procs = await Promise.all([
    env.spawn('edge-e2e', 'services/edge/src/main.ts', env.serviceEnv({ ...common, ...profile.edgeEnv })),
    env.spawn('events-api-e2e', 'services/events-api/src/main.ts', env.serviceEnv({ DATABASE_URL: db.url, EVENTS_API_TOKENS: BENCH_API_TOKEN })),
    ...[1, 2].map((i) =>
      env.spawn(`processor-e2e-${i}`, 'services/processor/src/main.ts', env.serviceEnv({ ...common, KAFKA_GROUP_ID: `bench-e2e-${env.runId}`, KAFKA_CLIENT_ID: `bench-e2e-${i}`, HUBSPOT_MAX_REQUESTS_PER_10S: '100000', ...profile.processorEnv })),
    ),
  ]);
  const [edge, api] = procs as [(typeof procs)[number], (typeof procs)[number]];
  try {
    // Both replicas in the group before the clock starts, so no rebalance pause is measured.
    const groupId = `bench-e2e-${env.runId}`;
    for (let i = 0; i < 600; i++) {
      const { groups } = await env.admin.describeGroups([groupId]);
      const g = groups[0];
      if (g?.state === 'Stable' && g.members.length === 2 && g.members.every((m) => m.memberAssignment.length > 0)) break;
      await sleep(100);
    }

    const signedAt = Date.now();
    const requests: OpenLoopRequest[] = Array.from({ length: n }, (_, i) => {
      const { body, headers } = signDelivery(`${edge.url}/webhooks/hubspot`, [importEvent(i, seed)], signedAt);
      return { path: '/webhooks/hubspot', headers, body };
    });
    const eventIndex = new Map(requests.map((_, i) => [importEvent(i, seed).eventId, i]));
    const seenAt: Array<number | undefined> = new Array(n).fill(undefined);
    let seen = 0;
    let polling = true;
    let polls = 0;
    const poller = (async () => {
      let cursor: string | undefined;
      while (polling) {
        const url = `${api.url}/events/changes?limit=1000${cursor ? `&after=${cursor}` : ''}`;
        const res = await fetch(url, { headers: { authorization: `Bearer ${BENCH_API_TOKEN}` } });
        const page = (await res.json()) as ChangesPage;
        const at = Date.now();
        polls++;
        for (const e of page.events) {
          const i = eventIndex.get(e.eventId);
          if (i !== undefined && seenAt[i] === undefined) {
            seenAt[i] = at;
            seen++;
          }
        }
        cursor = page.nextCursor;
        if (page.events.length === 0) await sleep(5);
      }
    })();
    const load = await openLoop(edge.url, requests, rate);
    const acked = load.answeredAt.filter((a) => a !== undefined).length;
    const deadline = Date.now() + 30_000;
    while (seen < acked && Date.now() < deadline) await sleep(50);
    polling = false;
    await poller;

    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = load.answeredAt[i];
      const s = seenAt[i];
      if (a !== undefined && s !== undefined) latencies.push(Math.max(0, s - a));
    }
    const missing = acked - latencies.length;
    const details = {
      offeredPerSec: rate,
      achievedPerSec: round(load.achievedPerSec),
      maxSustained: round(maxSustained),
      requests: n,
      acked,
      readable: latencies.length,
      missing,
      edgeAckP50: load.latencyP50,
      edgeAckP99: load.latencyP99,
      polls,
    };
    if (acked < n) throw new Error(`end-to-end: only ${acked} of ${n} deliveries acknowledged (${JSON.stringify(details)})`);
    const p99 = missing > 0 ? Number.POSITIVE_INFINITY : percentile(latencies, 99);
    return [
      {
        id: 'e2e.p50',
        label: 'end-to-end p50 (2xx → readable), half load',
        value: percentile(latencies, 50),
        unit: 'ms',
        higherIsBetter: false,
        details,
        note: `${rate} deliveries/s = half of min(edge ${Math.round(measured.edgeRps)} req/s, 2 replicas ${Math.round(measured.processorEps)} ev/s); ${missing} acknowledged events never became readable within 30 s`,
      },
      {
        id: 'e2e.p99',
        label: 'end-to-end p99 (2xx → readable), half load',
        value: p99,
        unit: 'ms',
        higherIsBetter: false,
        target: { kind: 'maxValue', max: 1000 },
        details,
      },
    ];
  } finally {
    for (const p of procs) await p.stop();
  }
}
