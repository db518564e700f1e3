import { Counter, type Registry } from '@hookstream/observability';

export interface ProcessorMetrics {
  stored: Counter<string>;
  duplicates: Counter<string>;
  deadLettered: Counter<string>;
  retried: Counter<string>;
  enrichment: Counter<string>;
  /** Stored events by subscription type; every undocumented type shares the label `unknown`. */
  subscriptionTypes: Counter<string>;
}

export function createProcessorMetrics(registry: Registry): ProcessorMetrics {
  return {
    stored: new Counter({ name: 'hookstream_processor_events_stored_total', help: 'New event rows committed', registers: [registry] }),
    duplicates: new Counter({ name: 'hookstream_processor_duplicates_total', help: 'Redelivered or repeated events that added no row', registers: [registry] }),
    deadLettered: new Counter({ name: 'hookstream_processor_dead_lettered_total', help: 'Messages sent to the dead-letter topic', registers: [registry] }),
    retried: new Counter({ name: 'hookstream_processor_retried_total', help: 'Messages sent to the retry topic to be processed again later', registers: [registry] }),
    enrichment: new Counter({ name: 'hookstream_processor_enrichment_total', help: 'Enrichment outcomes per object', labelNames: ['state'], registers: [registry] }),
    subscriptionTypes: new Counter({
      name: 'hookstream_processor_subscription_type_events_total',
      help: 'Events persisted per HubSpot subscription type (undocumented types: "unknown", stored raw)',
      labelNames: ['subscription_type'],
      registers: [registry],
    }),
  };
}
