import { consumerGroupChannel, type Consumer } from '@platformatic/kafka';

export interface JoinWatch {
  /** True from the moment the consumer starts a JoinGroup until its SyncGroup has answered. */
  joining(): boolean;
  close(): void;
}

/**
 * Whether the library is (re)joining the group, from its diagnostics channel, whatever started
 * the join: a heartbeat answered REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION,
 * or a commit did.
 *
 * Why the consumer needs it: the library answers a commit that fails with one of those errors
 * by joining again. A commit sent while a join is in flight queues behind the JoinGroup on the
 * coordinator connection, reaches the broker once the group has a new generation, fails, and
 * starts one more join; when that member is the group's leader, each of those joins starts a
 * new rebalance. The fault suite's scale 1→3 spent a minute in that storm (a new generation
 * about every heartbeat). Not committing while a join is open ends it.
 */
export function watchJoins(consumer: Consumer): JoinWatch {
  const open = new Set<object>();
  const mine = (ctx: { client?: unknown; operation?: unknown }): boolean => ctx.client === consumer && ctx.operation === 'joinGroup';
  const handlers = {
    start: (ctx: object) => {
      if (mine(ctx)) open.add(ctx);
    },
    // The join's callback runs (asyncStart) once it succeeded or failed for good.
    asyncStart: (ctx: object) => {
      open.delete(ctx);
    },
    // Thrown before the callback was ever called: the join never went out.
    end: (ctx: object & { error?: unknown }) => {
      if ('error' in ctx) open.delete(ctx);
    },
  };
  consumerGroupChannel.subscribe(handlers as unknown as Parameters<typeof consumerGroupChannel.subscribe>[0]);
  return {
    joining: () => open.size > 0,
    close: () => {
      consumerGroupChannel.unsubscribe(handlers as unknown as Parameters<typeof consumerGroupChannel.unsubscribe>[0]);
    },
  };
}
