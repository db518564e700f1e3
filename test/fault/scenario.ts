import type { DataSource } from '@hookstream/store';
import type { FakeHubSpot, FaultRecord, LocalKafkaHandle, TcpProxy } from '@hookstream/testkit';
import { waitUntil } from '../support/wait.js';
import { pendingEnrichmentIds, pendingEnrichments } from './checks.js';
import type { ProcessFleet } from './fleet.js';
import type { KafkaProbe, Offsets } from './kafka-probe.js';
import type { FaultProfile } from './profile.js';

export interface ScenarioContext {
  profile: FaultProfile;
  fleet: ProcessFleet;
  probe: KafkaProbe;
  proxy: TcpProxy;
  fake: FakeHubSpot;
  /** The suite's own broker; undefined when the broker came from elsewhere (then `brokerSkip` says why). */
  broker: LocalKafkaHandle | undefined;
  brokerSkip: string | undefined;
  ds: DataSource;
  /** Progress lines (stdout), so a long run shows where it is. */
  say(line: string): void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Waits in this suite bound hangs only; a slow machine just takes longer. */
const WAIT_MS = 240_000;

/** The topic's end right now; retried while the broker is still coming back. */
async function topicEnd(probe: KafkaProbe): Promise<Offsets> {
  return waitUntil('the topic offsets', () => probe.highWatermarks(), WAIT_MS, 250);
}

/** ms from `endedAt` until the group has committed everything that was on the topic at that moment. */
async function recovery(ctx: ScenarioContext, endedAt: number): Promise<number> {
  const target = await topicEnd(ctx.probe);
  await waitUntil('the group to commit the topic end', () => ctx.probe.reached(target), WAIT_MS, 250);
  return Date.now() - endedAt;
}

/** A Stable group whose members are exactly the running processors, each owning partitions. */
async function groupSettled(ctx: ScenarioContext): Promise<void> {
  await waitUntil(
    'the group to settle on the running replicas',
    async () => {
      const g = await ctx.probe.group();
      const running = new Set([...ctx.fleet.processors.values()].map((p) => p.clientId));
      return g.state === 'Stable' && g.members.length === running.size && g.members.every((m) => running.has(m.clientId) && m.partitions.length > 0);
    },
    WAIT_MS,
    250,
  );
}

async function scaleUp(ctx: ScenarioContext, to: number): Promise<FaultRecord> {
  const from = ctx.fleet.processors.size;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: to - from }, () => ctx.fleet.addProcessor()));
  await groupSettled(ctx);
  const ended = Date.now();
  return {
    fault: `scale ${from}→${to} replicas`,
    durationMs: ended - t0,
    recoveryMs: await recovery(ctx, ended),
    detail: 'duration = until the group is Stable on all replicas',
  };
}

async function scaleDown(ctx: ScenarioContext, to: number): Promise<FaultRecord> {
  const from = ctx.fleet.processors.size;
  const t0 = Date.now();
  // The newest go, like a scale-down of a deployment.
  const leaving = [...ctx.fleet.processors.keys()].slice(to);
  const codes = await Promise.all(leaving.map((name) => ctx.fleet.terminate(name)));
  await groupSettled(ctx);
  const ended = Date.now();
  if (codes.some((c) => c !== 0)) throw new Error(`SIGTERM'd replicas exited with ${codes.join(', ')} (expected 0)`);
  return {
    fault: `scale ${from}→${to} replicas (SIGTERM)`,
    durationMs: ended - t0,
    recoveryMs: await recovery(ctx, ended),
    detail: `exit codes ${codes.join(', ')}`,
  };
}

/** SIGKILLs the replica with the most uncommitted messages on its partitions, then starts a new one. */
async function killMidBatch(ctx: ScenarioContext, round: number): Promise<FaultRecord> {
  // Prefer a moment with a real backlog on the victim (so a batch is surely in flight); after
  // a while settle for any uncommitted message.
  const since = Date.now();
  const victim = await waitUntil(
    'a replica with uncommitted work',
    async () => {
      const [g, lag] = await Promise.all([ctx.probe.group(), ctx.probe.lag()]);
      const ranked = g.members.map((m) => ({ m, lag: m.partitions.reduce((sum, p) => sum + (lag.get(p) ?? 0), 0) })).sort((a, b) => b.lag - a.lag);
      const top = ranked[0];
      const name = top && [...ctx.fleet.processors.values()].find((p) => p.clientId === top.m.clientId)?.name;
      const enough = Date.now() - since < 15_000 ? 20 : 1;
      return top && top.lag >= enough && name ? { name, lag: top.lag, partitions: top.m.partitions.length } : undefined;
    },
    WAIT_MS,
    50,
  );
  const t0 = Date.now();
  await ctx.fleet.kill(victim.name);
  // The replacement is spawned at once, as an orchestrator would; recovery counts from here
  // and so includes the wait for the dead member's session to expire before its partitions move.
  const replacement = ctx.fleet.addProcessor();
  replacement.catch(() => undefined);
  const ended = Date.now();
  const recoveryMs = await recovery(ctx, ended);
  await replacement;
  await groupSettled(ctx);
  return {
    fault: `SIGKILL replica mid-batch #${round}`,
    durationMs: ended - t0,
    recoveryMs,
    detail: `killed ${victim.name} with ${victim.lag} uncommitted messages on its ${victim.partitions} partitions; replacement spawned at once`,
  };
}

async function brokerOutage(ctx: ScenarioContext): Promise<FaultRecord> {
  const fault = 'Kafka broker killed and restarted';
  if (!ctx.broker) return { fault, durationMs: 0, recoveryMs: null, skipped: ctx.brokerSkip ?? 'no broker of its own' };
  const t0 = Date.now();
  await ctx.broker.kill();
  await sleep(ctx.profile.brokerDownMs);
  await ctx.broker.restart();
  const ended = Date.now();
  return {
    fault,
    durationMs: ended - t0,
    recoveryMs: await recovery(ctx, ended),
    detail: `SIGKILL, down ${ctx.profile.brokerDownMs / 1000} s, then restarted on the same port and data`,
  };
}

async function databaseOutage(ctx: ScenarioContext): Promise<FaultRecord> {
  const t0 = Date.now();
  const modes = ctx.profile.dbCutModes;
  for (const mode of modes) {
    ctx.proxy.cut(mode);
    await sleep(ctx.profile.dbOutageMs / modes.length);
  }
  ctx.proxy.restore();
  const ended = Date.now();
  return {
    fault: 'database unreachable',
    durationMs: ended - t0,
    recoveryMs: await recovery(ctx, ended),
    detail: `open connections reset; new ones ${modes.map((m) => (m === 'refuse' ? 'refused' : 'held silently')).join(', then ')}`,
  };
}

async function hubspotOutage(ctx: ScenarioContext): Promise<FaultRecord> {
  const t0 = Date.now();
  ctx.fake.failAll({ status: 429, policyName: 'TEN_SECONDLY_ROLLING' });
  await sleep(ctx.profile.hubspot429Ms);
  ctx.fake.failAll({ status: 503 });
  await sleep(ctx.profile.hubspot5xxMs);
  const pendingAtEnd = await pendingEnrichmentIds(ctx.ds);
  ctx.fake.clearFaults();
  const ended = Date.now();
  const recoveryMs = await recovery(ctx, ended);
  // The events pending when HubSpot came back, not every pending event: traffic keeps flowing,
  // and during a burst new events wait (deferred) for a shared read as a matter of course, so
  // "none pending at all" is only ever true by chance while traffic runs.
  await waitUntil(
    'the events pending at the end of the outage to be enriched',
    async () => (await pendingEnrichments(ctx.ds, pendingAtEnd)) === 0,
    WAIT_MS,
    250,
  );
  return {
    fault: 'HubSpot API 429 then 503',
    durationMs: ended - t0,
    recoveryMs,
    detail: `${pendingAtEnd.length} events pending enrichment when it ended; all of them enriched ${((Date.now() - ended) / 1000).toFixed(1)} s later`,
  };
}

/** The faults, one after another, with traffic flowing throughout. */
export async function runFaults(ctx: ScenarioContext): Promise<FaultRecord[]> {
  const { profile } = ctx;
  const records: FaultRecord[] = [];
  const step = async (what: string, f: () => Promise<FaultRecord>): Promise<void> => {
    ctx.say(`fault: ${what}`);
    const r = await f();
    records.push(r);
    ctx.say(`  ${r.skipped ? `skipped: ${r.skipped}` : `lasted ${r.durationMs} ms, recovered ${r.recoveryMs} ms later`}`);
    await sleep(profile.betweenFaultsMs);
  };
  await sleep(profile.warmupMs);
  await step(`scale 1→${profile.scaleTo}`, () => scaleUp(ctx, profile.scaleTo));
  for (let i = 1; i <= profile.killRounds; i++) await step(`SIGKILL #${i}`, () => killMidBatch(ctx, i));
  await step(`scale ${profile.scaleTo}→1`, () => scaleDown(ctx, 1));
  await step('broker', () => brokerOutage(ctx));
  await step('database', () => databaseOutage(ctx));
  await step('HubSpot', () => hubspotOutage(ctx));
  return records;
}
