import type { BatchHandler, EventProducer } from '@hookstream/kafka';
import type { Logger, Tracing } from '@hookstream/observability';
import { createBatchRuntime, type ProcessStep, type RetryPolicy, type RuntimeMetrics } from '@hookstream/pipeline';
import type { EventWriter } from '../store/index.js';
import { decodeMessage, refKey, type DecodedEvent } from './decode.js';
import type { Enricher, EnrichmentOutcome } from './enrich.js';
import { enrichRequests } from './enrich-requests.js';
import type { ProcessorMetrics } from './metrics.js';
import { collectAssociationUpdates, collectStateUpdates, toNewEvent } from './rows.js';
import { createTypeCounter } from './type-counter.js';

export interface HubSpotStepDeps {
  writer: EventWriter;
  enricher: Enricher;
  log: Logger;
  now: () => number;
  metrics: Pick<ProcessorMetrics, 'enrichment' | 'subscriptionTypes'>;
}

type Outcomes = ReadonlyMap<string, EnrichmentOutcome>;

/**
 * HubSpot's part of a batch: enrich each distinct object once (before the transaction), then
 * one transaction for the ledger rows, HubSpot's rows and object state.
 */
export function createHubSpotStep(deps: HubSpotStepDeps): ProcessStep<DecodedEvent, Outcomes> {
  const { writer, enricher, now, metrics } = deps;
  const countTypes = createTypeCounter(metrics.subscriptionTypes, deps.log);
  return {
    decode: decodeMessage,
    async prepare(events) {
      const outcomes = await enricher.enrich(enrichRequests(events), undefined, 'inline');
      for (const o of outcomes.values()) metrics.enrichment.inc({ state: o.state });
      return outcomes;
    },
    async persist(events, outcomes) {
      const result = await writer.persist({
        events: events.map((d) => toNewEvent(d, outcomes.get(refKey(d.ref)) ?? { state: 'pending', snapshot: null, error: 'not attempted', nextAt: now() })),
        state: collectStateUpdates(events, outcomes, now()),
        associations: collectAssociationUpdates(events),
        now: now(),
      });
      // Committed rows waiting for a deferred read: completing them by id is one primary-key
      // UPDATE instead of a search through the object's timeline.
      result.ids.forEach((id, i) => {
        if (id !== null) outcomes.get(refKey((events[i] as DecodedEvent).ref))?.deferred?.rowIds.push(id);
      });
      return result;
    },
    stored: countTypes,
    // Rows are committed: objects whose read was still queued (burst) are completed when it lands.
    committed: (outcomes) => enricher.committed?.(outcomes),
  };
}

export interface BatchHandlerDeps extends HubSpotStepDeps {
  producer: EventProducer;
  dlqTopic: string;
  retryTopic: string;
  retry: RetryPolicy;
  metrics: ProcessorMetrics;
  tracing?: Tracing;
}

/** HubSpot's step in the shared batch runtime (decode, dedupe, retries, failure routing). */
export function createBatchHandler(deps: BatchHandlerDeps): BatchHandler {
  const runtime: RuntimeMetrics = deps.metrics;
  return createBatchRuntime(createHubSpotStep(deps), { ...deps, metrics: runtime });
}
