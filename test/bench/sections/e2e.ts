import type { BenchEnv } from '../env.js';
import { closedLoop, openLoop, type LoadRequest, type OpenLoopRequest } from '../load.js';
import type { Figure } from '../report.js';
import type { Profile } from '../profiles.js';
import { percentile, round, sleep, waitFor } from '../stats.js';
import { BENCH_API_TOKEN, BENCH_PORTAL, contactProperties, importEvent, importObjects, signDelivery } from '../workload.js';

interface ChangesPage {
  events: Array<{ eventId: number }>;
  nextCursor: string;
}

/**
 * End-to-end latency at half of the fleet's maximum sustained load: the whole fleet as processes
 * (edge, 2 processor replicas, events-api) sharing the machine. First the edge is saturated with
 * unique 1-event deliveries while the processors consume; the rate at which they commit events
 * meanwhile is the load the fleet sustains (the edge alone accepts more, but only by starving
 * them). Once that backlog is drained, deliveries are sent open-loop at half that rate, and a
 * poller following /events/changes notes when each event becomes readable. Latency is
 * "readable from events-api" minus "the edge answered 2xx".
 */
export async function runE2eSection(env: BenchEnv, profile: Profile, measured: { edgeRps?: number; processorEps?: number }): Promise<Figure[]> {
  const probeSec = profile.e2eProbeSec;
  // Enough unique deliveries that no connection repeats one during the probe.
  const probeCount = Math.ceil(Math.max(5000, (measured.edgeRps ?? 10_000) * probeSec * 1.5));
  const maxHalf = Math.ceil(((measured.processorEps ?? measured.edgeRps ?? 10_000) / 2) * profile.e2eSec * 1.2);
  const probeSeed = 32;
  const seed = 31;
  for (const id of importObjects(probeCount, probeSeed)) env.fake.upsertObject(BENCH_PORTAL, 'contact', { id, properties: contactProperties(id) });
  for (const id of importObjects(maxHalf, seed)) env.fake.upsertObject(BENCH_PORTAL, 'contact', { id, properties: contactProperties(id) });

  const db = await env.newDatabase('e2e');
  const topic = await env.newTopic('e2e');
  const dlq = await env.newTopic('e2e-dlq');
  const groupId = `bench-e2e-${env.runId}`;
  const common = { KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: dlq, DATABASE_URL: db.url };
  env.progress('end-to-end: starting edge, 2 processors, events-api');
  const procs = await Promise.all([
    env.spawn('edge-e2e', 'services/edge/src/main.ts', env.serviceEnv({ ...common, ...profile.edgeEnv })),
    env.spawn('events-api-e2e', 'services/events-api/src/main.ts', env.serviceEnv({ DATABASE_URL: db.url, EVENTS_API_TOKENS: BENCH_API_TOKEN })),
    ...[1, 2].map((i) =>
      env.spawn(
        `processor-e2e-${i}`,
        'services/processor/src/main.ts',
        env.serviceEnv({
          ...common,
          KAFKA_GROUP_ID: groupId,
          KAFKA_CLIENT_ID: `bench-e2e-${i}`,
          HUBSPOT_MAX_REQUESTS_PER_10S: '100000',
          ...profile.processorEnv,
        }),
      ),
    ),
  ]);
  const [edge, api] = procs as [(typeof procs)[number], (typeof procs)[number]];
  const committed = async (): Promise<number> => {
    const [t] = await env.admin.fetchOffsets({ groupId, topics: [topic] });
    return (t?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  };
  const produced = async (): Promise<number> => (await env.admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  try {
    // Both replicas in the group before the clock starts, so no rebalance pause is measured.
    await waitFor(
      'a stable group of 2',
      async () => {
        const { groups } = await env.admin.describeGroups([groupId]);
        const g = groups[0];
        return g?.state === 'Stable' && g.members.length === 2 && g.members.every((m) => m.memberAssignment.length > 0);
      },
      120_000,
      100,
    );

    env.progress(`end-to-end: saturating the edge for ${probeSec} s to find the fleet's sustained rate`);
    const url = `${edge.url}/webhooks/hubspot`;
    const probeAt = Date.now();
    const perConnection = Math.ceil(probeCount / 32);
    const probeRequests: LoadRequest[] = Array.from({ length: probeCount }, (_, i) => {
      const { body, headers } = signDelivery(url, [importEvent(i, probeSeed)], probeAt);
      return { method: 'POST', path: '/webhooks/hubspot', headers, body };
    });
    const cpu0 = procs.map((p) => p.cpuMs());
    const infra0 = env.infraCpuMs();
    const self0 = process.cpuUsage();
    const c0 = await committed();
    const t0 = Date.now();
    const probe = await closedLoop({
      url: edge.url,
      requestsOfConnection: (i) => probeRequests.slice(i * perConnection, (i + 1) * perConnection),
      connections: 32,
      durationSec: probeSec,
    });
    const c1 = await committed();
    const probeSeconds = (Date.now() - t0) / 1000;
    const processedPerSec = (c1 - c0) / probeSeconds;
    // Where the machine's two cores went during the probe (percent of one core per process).
    const selfCpu = process.cpuUsage(self0);
    const cpuPercent: Record<string, number> = Object.fromEntries(
      procs.map((p, i) => [p.name, Math.round((p.cpuMs() - (cpu0[i] as number)) / probeSeconds / 10)]),
    );
    cpuPercent['bench (load generator, fake HubSpot)'] = Math.round((selfCpu.user + selfCpu.system) / 1000 / probeSeconds / 10);
    const infra1 = env.infraCpuMs();
    cpuPercent['kafka broker'] = Math.round((infra1.broker - infra0.broker) / probeSeconds / 10);
    cpuPercent['database server'] = Math.round((infra1.database - infra0.database) / probeSeconds / 10);
    const sustained = Math.min(probe.okPerSec, processedPerSec);
    const rate = Math.max(1, Math.floor(sustained / 2));
    const n = Math.min(maxHalf, rate * profile.e2eSec);
    env.progress(
      `end-to-end: edge ${Math.round(probe.okPerSec)} deliveries/s, processors ${Math.round(processedPerSec)} events/s meanwhile; draining the backlog`,
    );
    const target = await produced();
    await waitFor('the probe backlog to drain', async () => (await committed()) >= target, 300_000, 200);

    env.progress(`end-to-end: ${rate} deliveries/s for ${profile.e2eSec} s`);
    const signedAt = Date.now();
    const requests: OpenLoopRequest[] = Array.from({ length: n }, (_, i) => {
      const { body, headers } = signDelivery(url, [importEvent(i, seed)], signedAt);
      return { path: '/webhooks/hubspot', headers, body };
    });
    const eventIndex = new Map(requests.map((_, i) => [importEvent(i, seed).eventId, i]));
    const seenAt: Array<number | undefined> = new Array(n).fill(undefined);
    let seen = 0;
    let polling = true;
    let polls = 0;
    let caughtUp = false;
    const poller = (async () => {
      let cursor: string | undefined;
      while (polling) {
        const pageUrl = `${api.url}/events/changes?limit=1000${cursor ? `&after=${cursor}` : ''}`;
        const res = await fetch(pageUrl, { headers: { authorization: `Bearer ${BENCH_API_TOKEN}` } });
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
        if (page.events.length === 0) {
          caughtUp = true;
          await sleep(5);
        }
      }
    })();
    // The poller first pages past the probe's rows, so the clock starts with it at the head.
    await waitFor('the changes poller to catch up', async () => caughtUp, 120_000, 20);
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
      probe: {
        edgeAckedPerSec: Math.round(probe.okPerSec),
        processedPerSec: Math.round(processedPerSec),
        edgeP99: probe.p99,
        non2xx: probe.non2xx,
        seconds: probeSec,
        cpuPercent,
      },
      maxSustained: round(sustained),
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
        note: `${rate} deliveries/s = half of what the whole fleet sustained on this machine (edge saturated: ${Math.round(probe.okPerSec)} deliveries/s accepted while 2 replicas committed ${Math.round(processedPerSec)} events/s); ${missing} acknowledged events never became readable within 30 s`,
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
