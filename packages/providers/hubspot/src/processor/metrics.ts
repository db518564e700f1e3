import { Counter, type Registry } from '@hookstream/observability';
import { createRuntimeMetrics, type RuntimeMetrics } from '@hookstream/pipeline';

export interface ProcessorMetrics extends RuntimeMetrics {
  enrichment: Counter<string>;
  /** Stored events by subscription type; every undocumented type shares the label `unknown`. */
  subscriptionTypes: Counter<string>;
}

/** The batch runtime's counters (label provider="hubspot") plus HubSpot's own. */
export function createProcessorMetrics(registry: Registry): ProcessorMetrics {
  return {
    ...createRuntimeMetrics(registry)('hubspot'),
    enrichment: new Counter({
      name: 'hookstream_processor_enrichment_total',
      help: 'Enrichment outcomes per object',
      labelNames: ['state'],
      registers: [registry],
    }),
    subscriptionTypes: new Counter({
      name: 'hookstream_processor_subscription_type_events_total',
      help: 'Events persisted per HubSpot subscription type (undocumented types: "unknown", stored raw)',
      labelNames: ['subscription_type'],
      registers: [registry],
    }),
  };
}
