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
