import { publishDeadLetters, type BatchContext, type BatchHandler, type EventProducer } from '@hookstream/kafka';
import type { Logger } from '@hookstream/observability';
import type { EventWriter } from '@hookstream/store';
import { backoffMs, sleepWhile } from './backoff.js';
import { decodeMessage, refKey, type DecodedEvent } from './decode.js';
import type { Enricher, EnrichmentOutcome } from './enrich.js';
import { enrichRequests } from './enrich-requests.js';
import { duePrefix, routeFailure, type Failure, type RetryPolicy } from './failure-routing.js';
import type { ProcessorMetrics } from './metrics.js';
import { collectAssociationUpdates, collectStateUpdates, toNewEvent } from './rows.js';
import { createTypeCounter } from './type-counter.js';

export interface BatchHandlerDeps {
  writer: EventWriter;
  enricher: Enricher;
  producer: EventProducer;
  dlqTopic: string;
  /** Messages consumed from this topic wait for their not-before time (README "Failure paths"). */
  retryTopic: string;
  retry: RetryPolicy;
  log: Logger;
  now: () => number;
  metrics: ProcessorMetrics;
}

const isRetryable = (err: unknown) => (err as { retryable?: boolean })?.retryable === true;

/**
 * One partition's batch: decode → dead-letter what can never be processed → enrich each
 * distinct object once → one transaction for events and object state → report the last
 * offset as durable. Retryable database failures are waited out here, heartbeating (the
 * consumer wrapper beats), instead of crashing the consumer into a rebalance loop.
 */
export function createBatchHandler(deps: BatchHandlerDeps): BatchHandler {
  const { writer, enricher, log, now, metrics } = deps;
  const countTypes = createTypeCounter(metrics.subscriptionTypes, log);

  async function persistWithRetry(ctx: BatchContext, events: DecodedEvent[], outcomes: ReadonlyMap<string, EnrichmentOutcome>): Promise<'done' | 'stopped' | Error> {
    const input = {
      events: events.map((d) => toNewEvent(d, outcomes.get(refKey(d.ref)) ?? { state: 'pending', snapshot: null, error: 'not attempted', nextAt: now() })),
      state: collectStateUpdates(events, outcomes, now()),
      associations: collectAssociationUpdates(events),
      now: now(),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await writer.persist(input);
        metrics.stored.inc(r.inserted);
        metrics.duplicates.inc(r.duplicates);
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

  return async (ctx) => {
    const failures: Failure[] = [];
    const seen = new Set<string>();
    const events: DecodedEvent[] = [];
    // Retry-topic messages not yet due stay unread: the partition pauses until the first one is.
    const { due, waitMs } = ctx.topic === deps.retryTopic ? duePrefix(ctx.messages, now()) : { due: ctx.messages.length, waitMs: undefined };
    const messages = ctx.messages.slice(0, due);
    const paused = waitMs === undefined ? {} : { pauseMs: waitMs };
    for (const m of messages) {
      const r = decodeMessage(m);
      if (!r.ok) {
        failures.push({ message: m, topic: ctx.topic, partition: ctx.partition, error: r.error });
        continue;
      }
      // Kafka redeliveries and HubSpot retries inside one batch: keep the first copy.
      if (seen.has(r.value.deliveryKey)) {
        metrics.duplicates.inc();
        continue;
      }
      seen.add(r.value.deliveryKey);
      events.push(r.value);
    }
    const last = messages[messages.length - 1];
    if (!last) return { lastDurableOffset: null, ...paused };

    if (events.length > 0) {
      const outcomes = await enricher.enrich(enrichRequests(events), undefined, 'inline');
      for (const o of outcomes.values()) metrics.enrichment.inc({ state: o.state });
      const outcome = await persistWithRetry(ctx, events, outcomes);
      if (outcome === 'stopped') return { lastDurableOffset: null, ...paused };
      if (outcome === 'done') countTypes(events);
      if (outcome instanceof Error) {
        // A whole batch refused for a non-retryable reason: find the rows that cause it and
        // route only those away (retry topic or DLQ), so one bad event cannot stall its partition.
        log.error({ err: outcome, partition: ctx.partition }, 'batch refused by the database; isolating bad events');
        for (const d of events) {
          const single = await persistWithRetry(ctx, [d], outcomes);
          if (single === 'stopped') return { lastDurableOffset: null, ...paused };
          if (single === 'done') countTypes([d]);
          if (single instanceof Error) {
            const message = messages.find((m) => m.offset === d.offset);
            if (message) failures.push({ message, topic: ctx.topic, partition: ctx.partition, error: single });
          }
        }
      }
      // Rows are committed: objects whose read was still queued (burst) are completed when it lands.
      enricher.committed?.(outcomes);
    }
    if (failures.length > 0) {
      const at = now();
      const routes = failures.map((f) => routeFailure(f, deps.retry, at));
      const retries = routes.filter((r) => r.to === 'retry').map((r) => r.letter);
      const dead = routes.filter((r) => r.to === 'dlq').map((r) => r.letter);
      // Both writes are acknowledged before the offsets move; if either fails, the batch is redelivered.
      await publishDeadLetters(deps.producer, deps.retryTopic, retries, at);
      await publishDeadLetters(deps.producer, deps.dlqTopic, dead, at);
      metrics.retried.inc(retries.length);
      metrics.deadLettered.inc(dead.length);
      for (const l of retries) log.warn({ topic: ctx.topic, offset: l.message.offset, partition: ctx.partition, attempts: l.attempts, notBefore: l.notBefore, error: l.error.message }, 'message sent to the retry topic');
      for (const l of dead) log.warn({ topic: ctx.topic, offset: l.message.offset, partition: ctx.partition, attempts: l.attempts, error: l.error.message }, 'dead-lettered message');
    }
    return { lastDurableOffset: last.offset, ...paused };
  };
}
