import { publishDeadLetters, type BatchContext, type BatchHandler, type ConsumedMessage, type EventProducer } from '@hookstream/kafka';
import { SpanKind, disabledTracing, endSpan, inSpan, type Logger, type Span, type Tracing } from '@hookstream/observability';
import { batchSpan } from './batch-span.js';
import { backoffMs, sleepWhile } from './backoff.js';
import { duePrefix, routeFailure, type Failure, type RetryPolicy } from './failure-routing.js';
import type { RuntimeMetrics } from './metrics.js';

/** A message the provider understood. Equal `dedupeKey`s in one batch are the same event. */
export interface DecodedMessage {
  offset: string;
  dedupeKey: string;
}

export type DecodeOutcome<D> = { ok: true; value: D } | { ok: false; error: Error & { code?: string } };

export interface PersistOutcome {
  inserted: number;
  duplicates: number;
}

/**
 * What a provider does with a batch. The runtime around it is the same for every provider:
 * decode, drop in-batch copies, prepare (outside any transaction: remote reads), persist (one
 * transaction: ledger rows plus the provider's own tables), retry what the database could not
 * take, route what can never succeed to the retry topic or the DLQ, report the durable offset.
 */
export interface ProcessStep<D extends DecodedMessage, P = undefined> {
  /** Frame and provider validation; a failure here can never succeed and is dead-lettered. */
  decode(message: ConsumedMessage): DecodeOutcome<D>;
  /** Work before the transaction (HubSpot: enrichment). Called once per batch. */
  prepare?(events: D[]): Promise<P>;
  /** One transaction. Throws an error with `retryable: true` for outages, anything else for bad rows. */
  persist(events: D[], prepared: P): Promise<PersistOutcome>;
  /** Called after `events` were committed (counters). */
  stored?(events: D[]): void;
  /** Called once the batch's rows are committed, whatever happened to single events. */
  committed?(prepared: P): void;
}

export interface RuntimeDeps {
  producer: EventProducer;
  dlqTopic: string;
  /** Messages consumed from this topic wait for their not-before time (README "Failure paths"). */
  retryTopic: string;
  retry: RetryPolicy;
  log: Logger;
  now: () => number;
  metrics: RuntimeMetrics;
  /** Batch, prepare and transaction spans (docs/tracing.md); absent: tracing off. */
  tracing?: Tracing;
}

const isRetryable = (err: unknown) => (err as { retryable?: boolean })?.retryable === true;

/**
 * One partition's batch through a provider's step. Retryable database failures are waited out
 * here, heartbeating (the consumer wrapper beats), instead of crashing the consumer into a
 * rebalance loop; a batch refused for another reason is split so that one bad event cannot
 * stall its partition.
 */
export function createBatchRuntime<D extends DecodedMessage, P>(step: ProcessStep<D, P>, deps: RuntimeDeps): BatchHandler {
  const { log, now, metrics } = deps;
  const tracing = deps.tracing ?? disabledTracing;

  /** One transaction, as a span under the batch's when tracing is on. */
  function persistOnce(events: D[], prepared: P, parent: Span | undefined, attempt: number): Promise<PersistOutcome> {
    if (!parent) return step.persist(events, prepared);
    const attributes = { 'db.system.name': 'mariadb', 'db.operation.name': 'transaction', 'hookstream.events': events.length, 'hookstream.attempt': attempt };
    return inSpan(tracing, 'db transaction', { kind: SpanKind.CLIENT, parent, attributes }, async (span) => {
      const r = await step.persist(events, prepared);
      span.setAttributes({ 'hookstream.inserted': r.inserted, 'hookstream.duplicates': r.duplicates });
      return r;
    });
  }

  async function persistWithRetry(ctx: BatchContext, events: D[], prepared: P, span?: Span): Promise<'done' | 'stopped' | Error> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await persistOnce(events, prepared, span, attempt);
        metrics.stored.inc(r.inserted);
        metrics.duplicates.inc(r.duplicates);
        step.stored?.(events);
        return 'done';
      } catch (err) {
        if (!isRetryable(err)) return err as Error;
        if (!ctx.isRunning() || ctx.isStale()) return 'stopped';
        const wait = backoffMs(attempt, 200, 10_000);
        log.warn({ err, attempt, waitMs: wait, partition: ctx.partition }, 'database unavailable; retrying batch');
        await sleepWhile(wait, () => ctx.isRunning() && !ctx.isStale());
      }
    }
  }

  function decodeAll(ctx: BatchContext, messages: readonly ConsumedMessage[], failures: Failure[]): D[] {
    const seen = new Set<string>();
    const events: D[] = [];
    for (const m of messages) {
      const r = step.decode(m);
      if (!r.ok) {
        failures.push({ message: m, topic: ctx.topic, partition: ctx.partition, error: r.error });
        continue;
      }
      // Kafka redeliveries and sender retries inside one batch: keep the first copy.
      if (seen.has(r.value.dedupeKey)) {
        metrics.duplicates.inc();
        continue;
      }
      seen.add(r.value.dedupeKey);
      events.push(r.value);
    }
    return events;
  }

  /** Persists the batch; on a non-retryable refusal, event by event, collecting the refused ones. */
  async function persistIsolating(
    ctx: BatchContext,
    messages: readonly ConsumedMessage[],
    events: D[],
    prepared: P,
    failures: Failure[],
    span: Span | undefined,
  ): Promise<'done' | 'stopped'> {
    const outcome = await persistWithRetry(ctx, events, prepared, span);
    if (outcome !== 'done' && !(outcome instanceof Error)) return outcome;
    if (outcome instanceof Error) {
      log.error({ err: outcome, partition: ctx.partition }, 'batch refused by the database; isolating bad events');
      for (const d of events) {
        const single = await persistWithRetry(ctx, [d], prepared, span);
        if (single === 'stopped') return 'stopped';
        if (single instanceof Error) {
          const message = messages.find((m) => m.offset === d.offset);
          if (message) failures.push({ message, topic: ctx.topic, partition: ctx.partition, error: single });
        }
      }
    }
    return 'done';
  }

  async function routeFailures(ctx: BatchContext, failures: readonly Failure[]): Promise<void> {
    const at = now();
    const routes = failures.map((f) => routeFailure(f, deps.retry, at));
    const retries = routes.filter((r) => r.to === 'retry').map((r) => r.letter);
    const dead = routes.filter((r) => r.to === 'dlq').map((r) => r.letter);
    // Both writes are acknowledged before the offsets move; if either fails, the batch is redelivered.
    await publishDeadLetters(deps.producer, deps.retryTopic, retries, at);
    await publishDeadLetters(deps.producer, deps.dlqTopic, dead, at);
    metrics.retried.inc(retries.length);
    metrics.deadLettered.inc(dead.length);
    for (const l of retries)
      log.warn(
        { topic: ctx.topic, offset: l.message.offset, partition: ctx.partition, attempts: l.attempts, notBefore: l.notBefore, error: l.error.message },
        'message sent to the retry topic',
      );
    for (const l of dead)
      log.warn({ topic: ctx.topic, offset: l.message.offset, partition: ctx.partition, attempts: l.attempts, error: l.error.message }, 'dead-lettered message');
  }

  /** Work before the transaction (HubSpot's enrichment), as a span when tracing is on. */
  async function prepareAll(events: D[], parent: Span | undefined): Promise<P> {
    const prepare = step.prepare;
    if (!prepare) return undefined as P;
    if (!parent) return prepare(events);
    return inSpan(tracing, 'prepare', { parent, attributes: { 'hookstream.events': events.length } }, () => prepare(events));
  }

  async function handle(ctx: BatchContext, span: Span | undefined): ReturnType<BatchHandler> {
    const failures: Failure[] = [];
    // Retry-topic messages not yet due stay unread: the partition pauses until the first one is.
    const { due, waitMs } = ctx.topic === deps.retryTopic ? duePrefix(ctx.messages, now()) : { due: ctx.messages.length, waitMs: undefined };
    const messages = ctx.messages.slice(0, due);
    const paused = waitMs === undefined ? {} : { pauseMs: waitMs };
    const last = messages[messages.length - 1];
    if (!last) return { lastDurableOffset: null, ...paused };
    const events = decodeAll(ctx, messages, failures);
    span?.setAttributes({ 'messaging.batch.message_count': messages.length, 'hookstream.events': events.length });
    if (events.length > 0) {
      const prepared = await prepareAll(events, span);
      if ((await persistIsolating(ctx, messages, events, prepared, failures, span)) === 'stopped') return { lastDurableOffset: null, ...paused };
      step.committed?.(prepared);
    }
    if (failures.length > 0) await routeFailures(ctx, failures);
    span?.setAttribute('hookstream.failures', failures.length);
    return { lastDurableOffset: last.offset, ...paused };
  }

  return async (ctx) => {
    if (!tracing.enabled) return handle(ctx, undefined);
    const span = batchSpan(tracing, ctx);
    try {
      const result = await handle(ctx, span);
      endSpan(span);
      return result;
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
  };
}
