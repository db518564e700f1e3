import { Gauge, type Logger, type Registry } from '@hookstream/observability';

export interface BudgetShareOptions {
  /** HUBSPOT_MAX_REQUESTS_PER_10S: the app's limit per portal, for the whole group. */
  budget: number;
  /** The events topic: a replica's share follows its part of it. */
  topic: string;
  /** How many partitions the topic has (asked of the broker after each join). */
  partitions: (topic: string) => Promise<number>;
  apply: (maxRequests: number, opts: { immediate: boolean }) => void;
  log: Logger;
  registry: Registry;
  /** Wait before asking for the partition count again after a failure. @default 5000 */
  retryMs?: number;
}

/**
 * HubSpot's rate limit is per app and portal, not per replica: N replicas each sending the
 * whole limit would earn 429s. Each replica takes the share of the budget that its part of the
 * events topic is (floor(budget × owned / partitions)), so the shares never add up to more than
 * the budget, and they are re-divided at every rebalance as replicas join or leave. A share
 * that grows waits one window before it is used (see PortalRateLimiter.setMaxRequests), except
 * for a replica that owns every partition: it is alone. Before its first
 * join a replica keeps the whole budget (it reads nothing for the group yet).
 */
export function createBudgetShare(opts: BudgetShareOptions): (assignment: Readonly<Record<string, readonly number[]>>) => void {
  const gauge = new Gauge({
    name: 'hookstream_hubspot_request_budget_per_10s',
    help: "This replica's share of HUBSPOT_MAX_REQUESTS_PER_10S (per portal), from its part of the events topic",
    registers: [opts.registry],
  });
  let generation = 0;
  // The partition count, asked for once now: a join then re-divides at once, before the
  // consumer fetches its first batch, instead of sending nothing while the broker is asked.
  let known: number | undefined;
  const ask = (): Promise<number> =>
    opts.partitions(opts.topic).then((n) => {
      known = n;
      return n;
    });
  ask().catch(() => undefined);
  // Until its first assignment a replica keeps the whole budget: it consumes nothing yet, so
  // only a sweep of pending rows could send, and holding even that back stalled reads that a
  // join then needed at once.
  gauge.set(opts.budget);
  const applyShare = (owned: number, total: number): void => {
    const share = total > 0 ? Math.floor((opts.budget * Math.min(owned, total)) / total) : 0;
    // Owning every partition, the replica is alone in the group: nobody else holds a share, so
    // a larger one applies at once (a join with an empty assignment must not cost a window).
    opts.apply(share, { immediate: owned >= total });
    gauge.set(share);
    opts.log.info({ owned, partitions: total, share, budget: opts.budget }, 'HubSpot request budget re-divided');
  };
  const divide = (owned: number, mine: number, appliedWith?: number): void => {
    ask().then(
      (total) => {
        if (mine === generation && total !== appliedWith) applyShare(owned, total);
      },
      (err: unknown) => {
        if (mine !== generation) return;
        // Unknown share: keep the last one and ask again shortly.
        opts.log.warn({ err, retryInMs: opts.retryMs ?? 5000 }, 'could not read the topic partition count; the HubSpot budget is re-divided once it is known');
        setTimeout(() => divide(owned, mine), opts.retryMs ?? 5000).unref();
      },
    );
  };
  return (assignment) => {
    // No topics at all is what a stopping consumer reports: the replica keeps its share, so the
    // reads its drain still makes go out instead of waiting for a share that never comes.
    if (Object.keys(assignment).length === 0) return;
    const owned = assignment[opts.topic]?.length ?? 0;
    const mine = ++generation;
    // With the count known the share applies now; the count is asked again in case it changed.
    const total = known;
    if (total !== undefined) applyShare(owned, total);
    divide(owned, mine, total);
  };
}
