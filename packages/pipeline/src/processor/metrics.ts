import { Counter, type Registry } from '@hookstream/observability';

/** Counters every provider's batch runtime keeps; the `provider` label tells them apart. */
export interface RuntimeMetrics {
  stored: Increment;
  duplicates: Increment;
  deadLettered: Increment;
  retried: Increment;
}

export interface Increment {
  inc(value?: number): void;
}

/** One set of counters per registry; each provider gets its labelled children. */
export function createRuntimeMetrics(registry: Registry): (provider: string) => RuntimeMetrics {
  const counter = (name: string, help: string) => {
    const existing = registry.getSingleMetric(name) as Counter<'provider'> | undefined;
    return existing ?? new Counter({ name, help, labelNames: ['provider'], registers: [registry] });
  };
  const stored = counter('hookstream_processor_events_stored_total', 'New event rows committed');
  const duplicates = counter('hookstream_processor_duplicates_total', 'Redelivered or repeated events that added no row');
  const deadLettered = counter('hookstream_processor_dead_lettered_total', 'Messages sent to the dead-letter topic');
  const retried = counter('hookstream_processor_retried_total', 'Messages sent to the retry topic to be processed again later');
  return (provider) => ({
    stored: stored.labels({ provider }),
    duplicates: duplicates.labels({ provider }),
    deadLettered: deadLettered.labels({ provider }),
    retried: retried.labels({ provider }),
  });
}
