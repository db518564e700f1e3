import { publishDeadLetters, type BatchContext, type BatchHandler, type DeadLetter, type EventProducer } from '@hookstream/kafka';
import type { Logger } from '@hookstream/observability';
import type { EventWriter } from '@hookstream/store';
import { backoffMs, sleepWhile } from './backoff.js';
import { decodeMessage, refKey, type DecodedEvent } from './decode.js';
import type { Enricher, EnrichmentOutcome } from './enrich.js';
import type { ProcessorMetrics } from './metrics.js';
import { collectStateUpdates, toNewEvent } from './rows.js';

export interface BatchHandlerDeps {
  writer: EventWriter;
  enricher: Enricher;
  producer: EventProducer;
  dlqTopic: string;
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

  async function persistWithRetry(ctx: BatchContext, events: DecodedEvent[], outcomes: ReadonlyMap<string, EnrichmentOutcome>): Promise<'done' | 'stopped' | Error> {
    const input = {
      events: events.map((d) => toNewEvent(d, outcomes.get(refKey(d.ref)) ?? { state: 'pending', snapshot: null, error: 'not attempted', nextAt: now() })),
      state: collectStateUpdates(events, outcomes, now()),
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
    const letters: DeadLetter[] = [];
    const seen = new Set<string>();
    const events: DecodedEvent[] = [];
    for (const m of ctx.messages) {
      const r = decodeMessage(m);
      if (!r.ok) {
        letters.push({ message: m, topic: ctx.topic, partition: ctx.partition, error: r.error, attempts: 1 });
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
    const last = ctx.messages[ctx.messages.length - 1];
    if (!last) return { lastDurableOffset: null };

    if (events.length > 0) {
      const outcomes = await enricher.enrich(events.map((d) => d.ref));
      for (const o of outcomes.values()) metrics.enrichment.inc({ state: o.state });
      const outcome = await persistWithRetry(ctx, events, outcomes);
      if (outcome === 'stopped') return { lastDurableOffset: null };
      if (outcome instanceof Error) {
        // A whole batch refused for a non-retryable reason: find the rows that cause it and
        // dead-letter only those, so one bad event cannot stall its partition.
        log.error({ err: outcome, partition: ctx.partition }, 'batch refused by the database; isolating bad events');
        for (const d of events) {
          const single = await persistWithRetry(ctx, [d], outcomes);
          if (single === 'stopped') return { lastDurableOffset: null };
          if (single instanceof Error) {
            const message = ctx.messages.find((m) => m.offset === d.offset);
            if (message) letters.push({ message, topic: ctx.topic, partition: ctx.partition, error: single, attempts: 1 });
          }
        }
      }
    }
    if (letters.length > 0) {
      await publishDeadLetters(deps.producer, deps.dlqTopic, letters, now());
      metrics.deadLettered.inc(letters.length);
      for (const l of letters) log.warn({ offset: l.message.offset, partition: ctx.partition, error: l.error.message }, 'dead-lettered message');
    }
    return { lastDurableOffset: last.offset };
  };
}
