import type { Logger } from '@hookstream/observability';

export interface RejoinDeps {
  /** Joins the group again (the library's joinGroup); its success is announced by the library's group:join event. */
  join(): Promise<unknown>;
  /** The member owns nothing from now on: stop fetching and committing until the next join. */
  onLost(): void;
  isRunning(): boolean;
  log: Logger;
  /** Delay before attempt n (1-based). Default 1 s, 2 s, 4 s, then 10 s. */
  delayMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Rejoiner {
  /** The library gave up a rejoin (it emits 'error' then, and schedules no more heartbeats). */
  lost(err: unknown): void;
  /** Whether a rejoin is being attempted. */
  rejoining(): boolean;
}

const defaultDelay = (attempt: number): number => Math.min(10_000, 1000 * 2 ** (attempt - 1));
const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * What the consumer does when @platformatic/kafka's own rejoin fails for good (after its
 * retries, about a minute of broker outage): the library emits 'error', which without a
 * listener ends the process as an uncaught exception, and leaves the member out of the group
 * with no heartbeats. Instead the member gives up its partitions at once (another member or
 * the next join reads them from the last commit), reports unhealthy, and joins again with
 * backoff until it is back or stopped.
 */
export function createRejoiner(deps: RejoinDeps): Rejoiner {
  const delayMs = deps.delayMs ?? defaultDelay;
  const sleep = deps.sleep ?? defaultSleep;
  let active = false;

  async function rejoin(): Promise<void> {
    for (let attempt = 1; deps.isRunning(); attempt++) {
      await sleep(delayMs(attempt));
      if (!deps.isRunning()) return;
      try {
        await deps.join();
        deps.log.info({ attempt }, 'consumer group joined again');
        return;
      } catch (err) {
        deps.log.warn({ err, attempt }, 'consumer group join failed; retrying');
      }
    }
  }

  return {
    lost(err) {
      deps.log.error({ err }, 'consumer lost its group membership; joining again');
      deps.onLost();
      if (active) return;
      active = true;
      void rejoin().finally(() => {
        active = false;
      });
    },
    rejoining: () => active,
  };
}
