import { Counter, Gauge, Histogram, createRegistry, type Registry } from '@hookstream/observability';

export interface DispatcherMetrics {
  registry: Registry;
  attempts: Counter<'outcome' | 'kind'>;
  /** What each attempt decided: delivered, to be retried, or dead-lettered. */
  results: Counter<'kind' | 'result'>;
  /** Pending deliveries per destination kind (the fan-out leader counts them). */
  backlog: Gauge<'kind'>;
  endpoints: Gauge<'state'>;
  attemptSeconds: Histogram<'outcome'>;
  jobsProduced: Counter;
  fanoutPosition: Gauge;
  lanes: Gauge;
  inFlight: Gauge;
}

export function createDispatcherMetrics(): DispatcherMetrics {
  const registry = createRegistry('dispatcher');
  return {
    registry,
    attempts: new Counter({
      name: 'hookstream_delivery_attempts_total',
      help: 'Delivery attempts by outcome and destination kind',
      labelNames: ['outcome', 'kind'],
      registers: [registry],
    }),
    results: new Counter({
      name: 'hookstream_delivery_results_total',
      help: 'What attempts decided, per destination kind: succeeded, retried (will be tried again) or dead (dead-lettered)',
      labelNames: ['kind', 'result'],
      registers: [registry],
    }),
    backlog: new Gauge({ name: 'hookstream_delivery_backlog', help: 'Pending deliveries per destination kind', labelNames: ['kind'], registers: [registry] }),
    endpoints: new Gauge({
      name: 'hookstream_delivery_endpoints',
      help: 'Endpoints by state (enabled, disabled: by an operator, a 410 or ENDPOINT_DISABLE_AFTER), counted by the fan-out leader',
      labelNames: ['state'],
      registers: [registry],
    }),
    attemptSeconds: new Histogram({
      name: 'hookstream_delivery_attempt_seconds',
      help: 'Time from sending a delivery to its answer',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers: [registry],
    }),
    jobsProduced: new Counter({ name: 'hookstream_delivery_jobs_total', help: 'Deliveries the fan-out created', registers: [registry] }),
    fanoutPosition: new Gauge({ name: 'hookstream_delivery_fanout_position', help: 'Last ledger id the fan-out read (leader only)', registers: [registry] }),
    lanes: new Gauge({ name: 'hookstream_delivery_lanes', help: 'Endpoints this replica owns and has started', registers: [registry] }),
    inFlight: new Gauge({ name: 'hookstream_delivery_in_flight', help: 'Deliveries in flight on this replica', registers: [registry] }),
  };
}
