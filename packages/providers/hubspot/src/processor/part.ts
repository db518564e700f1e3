import { openTopicAdmin, type BatchHandler } from '@hookstream/kafka';
import type { ProcessorContext, ProcessorPart } from '@hookstream/pipeline';
import { createEventWriter } from '../store/index.js';
import { createBatchReadClient } from '../batch-read/client.js';
import { createBatchHandler } from './batch-handler.js';
import { createDeferredWriter } from './deferred-writer.js';
import { createEnricher, type ProcessorEnricher } from './enrich.js';
import { createProcessorMetrics } from './metrics.js';
import { registerReadMetrics } from './read-metrics.js';
import { createSnapshotLoader, type LoaderStats } from './snapshot-loader.js';
import { createSweeper, type Sweeper } from './sweeper.js';
import type { HubSpotProcessorConfig } from '../settings/processor.js';
import { createProcessorTokens } from './tokens.js';
import { createBudgetShare } from './request-budget.js';
import { registerPendingEnrichmentGauge } from './pending-gauge.js';

export interface HubSpotProcessorPart extends ProcessorPart {
  readonly sweeper: Sweeper;
  /** HubSpot reads of this replica: cache hits, shared reads, calls, partial calls and why. */
  readonly hubspotReads: LoaderStats;
}

const participating =
  (enricher: ProcessorEnricher, handle: BatchHandler): BatchHandler =>
  (ctx) =>
    enricher.participate(() => handle(ctx));

/** HubSpot in a processor replica: enrichment, object state, the pending-enrichment sweeper. */
export function createHubSpotProcessorPart(config: HubSpotProcessorConfig, ctx: ProcessorContext): HubSpotProcessorPart {
  const { log, now, registry } = ctx;
  const metrics = createProcessorMetrics(registry);
  const writer = createEventWriter(ctx.dataSource);
  const tokens = createProcessorTokens(config, ctx.dataSource, log, now);
  const client = createBatchReadClient({
    baseUrl: config.HUBSPOT_API_BASE_URL,
    tokenFor: (portalId) => tokens.tokenFor(portalId),
    onAuthRejected: (portalId, token) => tokens.reportRejected(portalId, token),
    log: log.child({ component: 'hubspot' }),
    maxRequestsPer10s: config.HUBSPOT_MAX_REQUESTS_PER_10S,
    retryBudgetMs: config.ENRICH_INLINE_BUDGET_MS,
  });
  const loader = createSnapshotLoader({
    client,
    now,
    ttlMs: config.ENRICH_CACHE_TTL_MS,
    maxEntries: config.ENRICH_CACHE_MAX_OBJECTS,
    lingerMs: config.ENRICH_BATCH_LINGER_MS,
    log: log.child({ component: 'hubspot-reads' }),
  });
  registerReadMetrics(registry, loader.stats);
  registerPendingEnrichmentGauge(registry, ctx.dataSource, log);
  const enricher = createEnricher({
    loader,
    completeDeferred: createDeferredWriter(ctx.dataSource, now),
    client,
    enabled: config.HUBSPOT_ENRICH,
    properties: config.HUBSPOT_ENRICH_PROPERTIES,
    retryBaseMs: config.ENRICH_RETRY_BASE_MS,
    retryMaxMs: config.ENRICH_RETRY_MAX_MS,
    now,
    log,
  });
  const onAssignment = createBudgetShare({
    budget: config.HUBSPOT_MAX_REQUESTS_PER_10S,
    topic: config.KAFKA_TOPIC,
    partitions: async (topic) => {
      const admin = await openTopicAdmin(ctx.kafka);
      try {
        return (await admin.partitions(topic)).length;
      } finally {
        await admin.close();
      }
    },
    apply: (n, how) => client.setMaxRequestsPer10s?.(n, how),
    log: log.child({ component: 'hubspot-budget' }),
    registry,
  });
  const sweeper = createSweeper({ writer, enricher, log: log.child({ component: 'sweeper' }), now, intervalMs: config.ENRICH_SWEEP_INTERVAL_MS });
  const topics = { events: config.KAFKA_TOPIC, retry: config.KAFKA_RETRY_TOPIC ?? `${config.KAFKA_TOPIC}.retry`, dlq: config.KAFKA_DLQ_TOPIC };
  return {
    groupId: config.KAFKA_GROUP_ID,
    topics,
    // Each batch counts as running while it is handled: a partial HubSpot read waits for it.
    handler: participating(
      enricher,
      createBatchHandler({
        writer,
        enricher,
        producer: ctx.producer,
        dlqTopic: topics.dlq,
        retryTopic: topics.retry,
        retry: { maxAttempts: config.PROCESSOR_MAX_ATTEMPTS, baseMs: config.PROCESSOR_RETRY_BASE_MS, maxMs: config.PROCESSOR_RETRY_MAX_MS },
        log,
        now,
        metrics,
        tracing: ctx.tracing,
      }),
    ),
    sweeper,
    hubspotReads: loader.stats,
    start: () => sweeper.start(),
    stop: () => sweeper.stop(),
    // Reads still queued go out now; deferred rows are completed before the pool closes.
    drain: () => enricher.drain(),
    onAssignment,
    describe: () => ({
      enrichment: config.HUBSPOT_ENRICH && Boolean(config.HUBSPOT_ACCESS_TOKEN || config.HUBSPOT_CLIENT_ID),
      oauth: Boolean(config.HUBSPOT_CLIENT_ID),
    }),
  };
}
