import { randomBytes } from 'node:crypto';
import { AppError } from '@hookstream/core';
import {
  createProducer,
  deadLetterView,
  openTopicAdmin,
  planRanges,
  planSelection,
  planTimeRange,
  readRanges,
  REDRIVE_GROUP,
  redriveRanges,
  redriveSelection,
  type DeadLetterView,
  type Kafka,
  type OffsetPick,
  type RedriveRoute,
  type RedriveRunOptions,
  type TopicAdmin,
} from '@hookstream/kafka';
import type { Logger } from '@hookstream/observability';
import { createJobBook, type RedriveJob } from './jobs.js';
import type { DlqTopic } from './settings.js';

export interface TopicSummary {
  topic: string;
  provider: string;
  /** Where a redrive puts its dead letters back. */
  target: string;
  partitions: number;
  /** Dead letters the topic still holds (retention may have deleted older ones). */
  total: number;
  /** Of those, not yet redriven by the redrive group (at or after its cursor). */
  pending: number;
  /** The running or last redrive of this topic by this events-api, if any. */
  job: RedriveJob | null;
  /** Why the topic could not be read (e.g. the broker has no such topic); its counts are then 0. */
  error: string | null;
}

export type DeadLetterItem = Omit<DeadLetterView, 'headers' | 'value' | 'valueEncoding'> & {
  /** Below the redrive group's cursor: a redrive has put it back already. */
  redriven: boolean;
};

export interface ListQuery {
  limit: number;
  /** Where the previous page stopped (its `next`). */
  after?: { partition: number; offset: bigint };
  /** Only those not yet redriven. */
  pending?: boolean;
  since?: number;
  until?: number;
}

export interface DeadLetterPage {
  topic: string;
  items: DeadLetterItem[];
  /** How many the query selects from `after` on (all of them on the first page), this page included. */
  total: number;
  /** Pass as `after` for the next page; null on the last one. */
  next: string | null;
}

export type RedriveRequest = { offsets: OffsetPick[] } | { since?: number; until?: number };

export interface DeadLetters {
  topics(): Promise<TopicSummary[]>;
  list(topic: string, q: ListQuery): Promise<DeadLetterPage>;
  /** Plans and starts a redrive; the job runs on after this resolves. */
  redrive(topic: string, r: RedriveRequest): Promise<RedriveJob>;
  job(id: string): RedriveJob | undefined;
  /** Stops a running redrive after its chunk in hand, then disconnects. */
  close(): Promise<void>;
}

export interface DeadLettersOptions {
  kafka: Kafka;
  topics: readonly DlqTopic[];
  log: Logger;
  now?: () => number;
  /** The cursor group; default the CLI's, so that the console and dlq:redrive share one cursor. */
  groupId?: string;
}

const maxOf = (a: bigint | undefined, b: bigint | undefined) => (a === undefined ? b : b === undefined ? a : a > b ? a : b);

/** The Kafka side of GET/POST /dead-letters: sizes, pages of dead letters, redrive jobs. */
export function createDeadLetters(opts: DeadLettersOptions): DeadLetters {
  const now = opts.now ?? Date.now;
  const groupId = opts.groupId ?? REDRIVE_GROUP;
  const book = createJobBook(now);
  const log = opts.log.child({ component: 'dead-letters' });
  let admin: Promise<TopicAdmin> | undefined;
  let stopping: AbortController | undefined;
  let runningJob: Promise<void> | undefined;
  let claimed: string | undefined;

  // One admin connection for every request; a failed connect is retried by the next request.
  const adminOf = (): Promise<TopicAdmin> => {
    admin ??= openTopicAdmin(opts.kafka).catch((err: unknown) => {
      admin = undefined;
      throw unavailable(err);
    });
    return admin;
  };
  const routeOf = (topic: string): RedriveRoute & DlqTopic => {
    const t = opts.topics.find((x) => x.dlq === topic);
    if (!t) throw new AppError('DLQ_TOPIC_UNKNOWN', 404, `${topic} is not a dead-letter topic of this fleet (GET /dead-letters lists them)`);
    return { ...t, groupId };
  };
  const kafkaCall = async <T>(f: (a: TopicAdmin) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const a = await adminOf();
      try {
        return await f(a);
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (attempt < 4 && coordinatorMoving(err)) {
          await new Promise((r) => setTimeout(r, 250 * attempt));
          continue;
        }
        throw unavailable(err);
      }
    }
  };

  return {
    async topics() {
      return kafkaCall(async (a) => {
        // Asked at once: a topic the broker lacks takes the client's metadata retries, and must not delay the others.
        const sized = await Promise.allSettled(opts.topics.map((t) => sizeOf(a, t.dlq)));
        const moving = sized.find((r) => r.status === 'rejected' && coordinatorMoving(r.reason));
        if (moving?.status === 'rejected') throw moving.reason;
        const out = opts.topics.map((t, i): TopicSummary => {
          const row = { topic: t.dlq, provider: t.provider, target: t.target, job: book.latest(t.dlq) ?? null };
          const r = sized[i] as PromiseSettledResult<Pick<TopicSummary, 'partitions' | 'total' | 'pending'>>;
          if (r.status === 'fulfilled') return { ...row, ...r.value, error: null };
          // One topic the broker does not have (a provider the processors do not run) must not hide the others.
          log.warn({ err: r.reason, topic: t.dlq }, 'could not read a dead-letter topic');
          return { ...row, partitions: 0, total: 0, pending: 0, error: (r.reason as Error)?.message?.slice(0, 200) ?? String(r.reason) };
        });
        const first = sized.find((r) => r.status === 'rejected');
        if (first?.status === 'rejected' && sized.every((r) => r.status === 'rejected')) throw unavailable(first.reason);
        return out;
      });
    },

    async list(topic, q) {
      const route = routeOf(topic);
      return kafkaCall(async (a) => {
        const partitions = await a.partitions(topic);
        const cursor = await a.committed(groupId, topic);
        const since = q.since === undefined ? undefined : await a.offsetsAtTime(topic, q.since);
        const to = q.until === undefined ? undefined : await a.offsetsAtTime(topic, q.until + 1);
        const from = new Map<number, bigint>();
        for (const p of partitions) {
          const after = !q.after ? p.low : p.partition < q.after.partition ? p.high : p.partition === q.after.partition ? q.after.offset : p.low;
          from.set(p.partition, maxOf(after, since?.get(p.partition)) as bigint);
        }
        const base = { partitions, from, ...(to ? { to } : {}), ...(q.pending ? { cursor } : {}) };
        const all = planRanges(base);
        const page = planRanges({ ...base, count: q.limit });
        const cut = page.ranges.find((r, i) => r.end < (all.ranges[i]?.end ?? r.end));
        const items: DeadLetterItem[] = [];
        const readGroup = `hookstream-dlq-list-${randomBytes(6).toString('hex')}`;
        try {
          await readRanges(opts.kafka, {
            topic,
            groupId: readGroup,
            ranges: page.ranges,
            commit: false,
            log,
            onMessages: async (partition, messages) => {
              for (const m of messages) {
                const { headers: _h, value: _v, valueEncoding: _e, ...view } = deadLetterView(partition, m);
                items.push({ ...view, redriven: BigInt(m.offset) < (cursor.get(partition) ?? 0n) });
              }
            },
          });
        } finally {
          if (page.total > 0)
            await a.deleteGroup(readGroup).catch((err: unknown) => log.warn({ err, groupId: readGroup }, 'could not delete the listing group'));
        }
        items.sort((x, y) => x.partition - y.partition || Number(BigInt(x.offset) - BigInt(y.offset)));
        return { topic: route.dlq, items, total: all.total, next: cut ? `${cut.partition}:${cut.end}` : null };
      });
    },

    async redrive(topic, r) {
      const route = routeOf(topic);
      const busy = book.running();
      if (busy)
        throw redriveRunning(`a redrive of ${busy.topic} is running (job ${busy.id}); one redrive runs at a time, as they share the redrive group's cursor`);
      if (claimed) throw redriveRunning(`a redrive of ${claimed} is starting; one redrive runs at a time`);
      // Claimed before the first await: two requests at once cannot both start one.
      claimed = topic;
      try {
        return await kafkaCall(async (a) => {
          const group = await a.describeGroup(groupId);
          if (group.members > 0)
            throw redriveRunning(
              `the redrive group ${groupId} has ${group.members} active member(s): a dlq:redrive or another events-api is redriving; wait for it`,
            );
          return 'offsets' in r ? startSelection(a, route, r.offsets) : startRange(a, route, r);
        });
      } finally {
        claimed = undefined;
      }
    },

    job: (id) => book.get(id),

    async close() {
      stopping?.abort();
      await runningJob;
      if (admin) await (await admin.catch(() => undefined))?.close();
    },
  };

  async function sizeOf(a: TopicAdmin, topic: string): Promise<Pick<TopicSummary, 'partitions' | 'total' | 'pending'>> {
    const partitions = await a.partitions(topic);
    const cursor = await a.committed(groupId, topic);
    let total = 0n;
    let pending = 0n;
    for (const p of partitions) {
      total += p.high - p.low;
      const c = maxOf(p.low, cursor.get(p.partition)) as bigint;
      pending += p.high > c ? p.high - c : 0n;
    }
    return { partitions: partitions.length, total: Number(total), pending: Number(pending) };
  }

  // Planned before the job starts, so that a refused request starts nothing.
  async function startSelection(a: TopicAdmin, route: RedriveRoute, picks: readonly OffsetPick[]) {
    const plan = planSelection(await a.partitions(route.dlq), await a.committed(groupId, route.dlq), picks);
    if (plan.missing.length > 0) {
      const named = plan.missing.slice(0, 5).map((m) => `${m.partition}:${m.offset}`);
      throw new AppError(
        'OFFSETS_NOT_IN_TOPIC',
        400,
        `${route.dlq} does not hold ${named.join(', ')}${plan.missing.length > 5 ? ` and ${plan.missing.length - 5} more` : ''} (retention deleted them, or they never existed); nothing was redriven`,
      );
    }
    const job = book.start(route.dlq, 'selection', { total: plan.total, passedOver: 0 });
    run(job, (ctl) => redriveSelection({ ...ctl, admin: a, route, plan }));
    return job;
  }

  async function startRange(a: TopicAdmin, route: RedriveRoute, r: { since?: number; until?: number }) {
    const plan = await planTimeRange(a, route, r);
    const job = book.start(route.dlq, 'range', { total: plan.total, passedOver: plan.passedOver });
    run(job, (ctl) => redriveRanges({ ...ctl, route, ranges: plan.ranges }));
    return job;
  }

  function run(job: RedriveJob, go: (ctl: RunControl) => Promise<{ how: 'done' | 'aborted' }>): void {
    const ctl = new AbortController();
    stopping = ctl;
    runningJob = (async () => {
      const producer = createProducer(opts.kafka, log);
      try {
        if (job.total > 0) {
          await producer.connect();
          const { how } = await go({ kafka: opts.kafka, producer, log, now, signal: ctl.signal, onProgress: (n) => void (job.done += n) });
          book.finish(job, how === 'aborted' ? 'interrupted' : 'done');
        } else book.finish(job, 'done');
        log.info({ jobId: job.id, topic: job.topic, kind: job.kind, done: job.done, total: job.total, state: job.state }, 'redrive finished');
      } catch (err) {
        log.warn({ err, jobId: job.id, topic: job.topic, done: job.done }, 'redrive failed');
        book.finish(job, 'failed', {
          code: 'REDRIVE_FAILED',
          message: `the redrive stopped after ${job.done} of ${job.total}: ${(err as Error).message?.slice(0, 300) ?? String(err)}`,
        });
      } finally {
        await producer.disconnect().catch((err: unknown) => log.warn({ err }, 'redrive producer disconnect failed'));
      }
    })();
  }
}

/** What every run gets besides its route and ranges: the client, producer, clock, stop signal and progress. */
type RunControl = Omit<RedriveRunOptions, 'route' | 'ranges'>;

/**
 * The group coordinator is starting or moving (a fresh broker, a fail-over): the offsets of the
 * redrive group are readable again within moments, so the request retries instead of failing.
 */
const COORDINATOR_CODES = new Set([14, 15, 16]); // COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR
function coordinatorMoving(err: unknown): boolean {
  return typeof err === 'object' && err !== null && COORDINATOR_CODES.has(Number((err as { code?: unknown }).code));
}

function redriveRunning(message: string): AppError {
  return new AppError('REDRIVE_RUNNING', 409, message);
}

function unavailable(err: unknown): AppError {
  return new AppError('KAFKA_UNAVAILABLE', 503, `Kafka did not answer: ${(err as Error)?.message?.slice(0, 200) ?? String(err)}`, {
    cause: err,
    retryAfterSec: 5,
  });
}
