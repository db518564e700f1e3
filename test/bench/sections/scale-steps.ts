import type { BenchDatabase, BenchEnv } from '../env.js';
import type { ServiceProcess } from '../procs.js';
import type { Profile } from '../profiles.js';
import { round, sleep, waitFor } from '../stats.js';
import { BENCH_PORTAL, contactProperties, importObjects } from '../workload.js';
import { committed, prefill } from './processor.js';

/** One replica count held for a phase of the live scale-up. */
export interface ScaleStep {
  replicas: number;
  /** Longest gap with no committed offset moving, from the new replicas' start until the group was stable with all of them. */
  pauseMs: number;
  /** From the new replicas' spawn until the group was stable with every member assigned (Node start-up included). */
  rebalanceMs: number;
  eventsPerSec: number;
  processorCpuUsPerEvent: number;
  /** True when the backlog ran out before the phase ended (the rate is then a lower bound). */
  drainedEarly: boolean;
}

const SAMPLE_MS = 100;

/** The scale-up's one backlog: `total` events on `topic`, consumed by `groupId`. */
interface Backlog {
  groupId: string;
  topic: string;
  total: number;
}

/**
 * Samples the group's committed offsets every 100 ms until `stable` says so, and returns the
 * longest stretch without progress: what a consumer of the stream sees as the scale step's pause.
 */
async function watchPause(
  env: BenchEnv,
  backlog: Backlog,
  spawning: Promise<unknown>,
  stable: () => Promise<boolean>,
  timeoutMs: number,
): Promise<{ pauseMs: number; rebalanceMs: number }> {
  // Sampling starts before the new replicas do: a replica may join (and the group pause) before its spawn resolves.
  let spawned = false;
  void spawning.then(() => (spawned = true));
  const started = Date.now();
  const { groupId, topic } = backlog;
  let last = await committed(env, groupId, topic);
  let lastMoved = started;
  let pauseMs = 0;
  for (;;) {
    await sleep(SAMPLE_MS);
    const now = Date.now();
    const c = await committed(env, groupId, topic);
    if (c > last) {
      pauseMs = Math.max(pauseMs, now - lastMoved);
      last = c;
      lastMoved = now;
    }
    if (spawned && (await stable())) {
      // The stretch still open when the group settles counts too: commits resume after it.
      return { pauseMs: Math.max(pauseMs, await untilMoved(env, backlog, last, lastMoved, timeoutMs)), rebalanceMs: now - started };
    }
    if (now - started > timeoutMs) throw new Error(`scale step: group ${groupId} not stable after ${timeoutMs} ms`);
  }
}

/**
 * How long the open stretch lasted once commits resume. A backlog that ran out during the
 * rebalance leaves nothing to commit: the stretch then ends where the last commit was.
 */
async function untilMoved(env: BenchEnv, { groupId, topic, total }: Backlog, last: number, since: number, timeoutMs: number): Promise<number> {
  if (last >= total) return 0;
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await committed(env, groupId, topic)) > last) return Date.now() - since;
    await sleep(SAMPLE_MS);
  }
  throw new Error(`scale step: no commit for ${timeoutMs} ms after the group settled`);
}

/**
 * The live scale-up: one backlog on the 12 partitions, one replica, then more started while it
 * works (1 → 2 → 4 → … as the profile lists), each count held for `stepSec`. Each step reports the
 * pause the rebalance caused and the phase's rate and CPU per event; the separate drains of
 * runScaleOutSection give the clean per-count rates.
 */
export async function runScaleSteps(env: BenchEnv, profile: Profile, db: BenchDatabase, seed: number): Promise<ScaleStep[]> {
  const { stepEvents: n, stepSec, replicas: counts } = profile.scaleOut;
  for (const id of importObjects(n, seed)) env.fake.upsertObject(BENCH_PORTAL, 'contact', { id, properties: contactProperties(id) });
  const topic = await env.newTopic('scale-steps');
  const dlq = await env.newTopic('scale-steps-dlq');
  const groupId = `bench-scale-steps-${env.runId}`;
  env.progress(`scale steps: pre-filling ${n} events`);
  await prefill(env, topic, n, seed);
  const procs: ServiceProcess[] = [];
  const spawnUpTo = async (count: number) => {
    const start = procs.length;
    const more = await Promise.all(
      Array.from({ length: count - start }, (_, k) =>
        env.spawn(
          `processor-steps-${start + k + 1}`,
          'services/processor/src/main.ts',
          env.serviceEnv({
            KAFKA_TOPIC: topic,
            KAFKA_DLQ_TOPIC: dlq,
            KAFKA_GROUP_ID: groupId,
            KAFKA_CLIENT_ID: `bench-steps-${start + k + 1}`,
            DATABASE_URL: db.url,
            HUBSPOT_MAX_REQUESTS_PER_10S: '100000',
            ...profile.processorEnv,
          }),
        ),
      ),
    );
    procs.push(...more);
  };
  const stableWith = (count: number) => async () => {
    const { groups } = await env.admin.describeGroups([groupId]);
    const g = groups[0];
    return g?.state === 'Stable' && g.members.length === count && g.members.every((m) => m.memberAssignment.length > 0);
  };
  const steps: ScaleStep[] = [];
  try {
    for (const count of counts) {
      env.progress(`scale steps: ${procs.length} → ${count} replicas`);
      const spawning = spawnUpTo(count);
      const watched =
        steps.length === 0
          ? spawning.then(async () => ({ pauseMs: 0, rebalanceMs: await settle(stableWith(count)) }))
          : watchPause(env, { groupId, topic, total: n }, spawning, stableWith(count), 120_000);
      await spawning;
      const { pauseMs, rebalanceMs } = await watched;
      const c0 = await committed(env, groupId, topic);
      const cpu0 = procs.reduce((s, p) => s + p.cpuMs(), 0);
      const t0 = Date.now();
      let c1 = c0;
      while (Date.now() - t0 < stepSec * 1000 && c1 < n) {
        await sleep(250);
        c1 = await committed(env, groupId, topic);
      }
      const sec = (Date.now() - t0) / 1000;
      const cpu1 = procs.reduce((s, p) => s + p.cpuMs(), 0);
      steps.push({
        replicas: count,
        pauseMs,
        rebalanceMs,
        eventsPerSec: round((c1 - c0) / Math.max(0.001, sec)),
        processorCpuUsPerEvent: round(((cpu1 - cpu0) * 1000) / Math.max(1, c1 - c0), 1),
        drainedEarly: c1 >= n,
      });
      if (c1 >= n) break;
    }
  } finally {
    for (const p of procs) await p.stop();
  }
  return steps;
}

async function settle(stable: () => Promise<boolean>): Promise<number> {
  const t = Date.now();
  await waitFor('the first replica alone in its group', stable, 120_000, 50);
  return Date.now() - t;
}
