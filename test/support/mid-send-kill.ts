import type { ChildProcess } from 'node:child_process';
import type { KafkaProbe } from '../fault/kafka-probe.js';
import { waitUntil } from './wait.js';

/**
 * The running process (told apart by its Kafka client id) the broker has assigned `partition`
 * of `topic` to, once the group has been Stable with that owner for `forMs`: long enough that a
 * lane the last rebalance handed away has stopped starting sends, so only the owner sends.
 */
export async function settledOwnerOf<P>(
  probe: KafkaProbe,
  topic: string,
  partition: number,
  byClientId: ReadonlyMap<string, P>,
  exclude: ReadonlySet<P>,
  forMs = 1000,
): Promise<P> {
  let seen: { owner: P | undefined; since: number } = { owner: undefined, since: 0 };
  return waitUntil(
    `one running process owning ${topic}:${partition} for ${forMs} ms`,
    async () => {
      const g = await probe.group();
      const member = g.members.find((m) => m.partitions.includes(`${topic}:${partition}`));
      const owner = g.state === 'Stable' && member ? byClientId.get(member.clientId) : undefined;
      if (owner !== seen.owner) seen = { owner, since: Date.now() };
      return owner !== undefined && !exclude.has(owner) && Date.now() - seen.since >= forMs ? owner : undefined;
    },
    60_000,
    100,
  );
}

/** How a test makes a fake endpoint hold requests open, and what arrived there. */
export interface Hold<A extends { at: number }> {
  /** Requests arriving from now on are answered only after `ms`; `ms` 0 goes back to normal. */
  set(ms: number): void;
  /** Every request so far, in arrival order. */
  arrivals(): readonly A[];
}

/**
 * SIGKILLs `victim` while the endpoint holds one of its requests open, and returns the held
 * requests: the kill interrupted exactly those. The hold starts, the kill waits for the first
 * request to arrive under it, and the hold ends right after the kill. `holdMs` must outlast a
 * poll and a kill and stay under the sender's timeout, so a held request ends only by the kill.
 */
export async function killWhileHeld<A extends { at: number }>(victim: { proc: ChildProcess }, hold: Hold<A>, holdMs: number): Promise<A[]> {
  const before = hold.arrivals().length;
  hold.set(holdMs);
  try {
    await waitUntil('a request held open', async () => hold.arrivals().length > before, 60_000, 5);
    victim.proc.kill('SIGKILL');
  } finally {
    hold.set(0);
  }
  const killedAt = Date.now();
  // Every request since `before` was held; one held past holdMs would have been answered before the kill.
  return hold
    .arrivals()
    .slice(before)
    .filter((a) => a.at > killedAt - holdMs);
}
