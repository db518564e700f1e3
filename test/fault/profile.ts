import type { CutMode } from '@hookstream/testkit';

/** How hard and how long a fault run pushes. `short` runs in `npm test`; `long` is `npm run test:faults:long`. */
export interface FaultProfile {
  name: 'short' | 'long';
  /** New deliveries per second (1–100 events each, ~25 on average). */
  requestsPerSecond: number;
  /** Traffic before the first fault, and between one fault's recovery and the next fault. */
  warmupMs: number;
  betweenFaultsMs: number;
  /** SIGKILL-and-restart rounds (each kills the replica with the most uncommitted work). */
  killRounds: number;
  /** How long the broker stays dead before it is started again. */
  brokerDownMs: number;
  /** Database outage: the proxy between the processors and the database is cut this long. */
  dbOutageMs: number;
  /**
   * How new connections fare during the outage, split evenly over the outage in this order:
   * reset at once (a closed port), or held silently (a black hole, so connects time out).
   */
  dbCutModes: readonly CutMode[];
  hubspot429Ms: number;
  hubspot5xxMs: number;
  /** Processor replicas the scale-out step goes to (from 1, and back): at most the 12 partitions. */
  scaleTo: number;
  /** Bounds a hang only; assertions never depend on speed. */
  testTimeoutMs: number;
}

const SHORT: FaultProfile = {
  name: 'short',
  requestsPerSecond: 4,
  warmupMs: 8_000,
  betweenFaultsMs: 4_000,
  killRounds: 1,
  brokerDownMs: 4_000,
  // 30 s in the long profile; shorter here to keep `npm test` within a few minutes.
  dbOutageMs: 10_000,
  dbCutModes: ['refuse', 'stall'],
  hubspot429Ms: 6_000,
  hubspot5xxMs: 6_000,
  scaleTo: 3,
  testTimeoutMs: 10 * 60_000,
};

const LONG: FaultProfile = {
  name: 'long',
  requestsPerSecond: 8,
  warmupMs: 30_000,
  betweenFaultsMs: 20_000,
  killRounds: 3,
  brokerDownMs: 20_000,
  dbOutageMs: 30_000,
  dbCutModes: ['refuse', 'stall'],
  hubspot429Ms: 30_000,
  hubspot5xxMs: 30_000,
  // Every partition its own replica, then back to one: the scale-out the deployment allows.
  scaleTo: 12,
  testTimeoutMs: 45 * 60_000,
};

/**
 * FAULT_PROFILE=long selects the long profile; anything else (or unset) the short one.
 * FAULT_SCALE_TO overrides the scale-out step's replica count (2–12), e.g. the short profile to 12.
 */
export function faultProfile(env: NodeJS.ProcessEnv = process.env): FaultProfile {
  const base = env.FAULT_PROFILE === 'long' ? LONG : SHORT;
  if (env.FAULT_SCALE_TO === undefined || env.FAULT_SCALE_TO === '') return base;
  const to = Number(env.FAULT_SCALE_TO);
  if (!Number.isInteger(to) || to < 2 || to > 12)
    throw new Error(`FAULT_SCALE_TO must be a whole number from 2 to 12 (the topic's partitions), got ${env.FAULT_SCALE_TO}`);
  return { ...base, scaleTo: to };
}
