/**
 * Sizes of a run. `quick` (npm run bench) finishes in under 5 minutes on a 2-core machine;
 * `full` (npm run bench:full) runs longer and larger for steadier figures.
 */
export interface Profile {
  name: 'quick' | 'full';
  http: { connections: number; batchConnections: number; durationSec: number; warmupSec: number };
  /** Records ProducerPerformance sends. */
  kafkaRecords: number;
  /** Events pre-filled for each processor run (1 and 2 replicas). */
  processorEvents: number;
  /** Contacts in the import burst (4 events each) for the batch-read figure. */
  burstContacts: number;
  /** Seconds the edge is saturated (with the processors running) to find the fleet's sustained rate. */
  e2eProbeSec: number;
  /** Duration of the end-to-end run at half of the maximum sustained load. */
  e2eSec: number;
  /** Rows in the events-api table (quick 1 million, full 10 million). */
  eventsApiRows: number;
  /** deepP99MaxMs: the deep-page p99 target at that size. */
  eventsApi: { connections: number; durationSec: number; deepP99MaxMs: number };
  /**
   * Outbound deliveries: `endpoints` endpoints on one local receiver, each with
   * `endpointConcurrency` in flight (DELIVERY_ENDPOINT_CONCURRENCY); `events` stored in bulk for
   * each throughput run; `latencySec` of half load. One replica always runs (then the half load);
   * `replicas` may add runs with more.
   */
  deliveries: { endpoints: number; endpointConcurrency: number; events: number; latencySec: number; replicas: readonly number[] };
  /**
   * Location events through the whole path, once per geofence count: `requests` Radar bodies of
   * 5 events each from `users` users over `connections` connections.
   */
  location: { geofences: readonly number[]; users: number; requests: number; connections: number };
  /**
   * The processor's scale-out curve: `events` drained by each replica count on 12 partitions;
   * then one live scale-up through the same counts over a backlog of `stepEvents`, each count
   * held `stepSec` (the pause at each step).
   */
  scaleOut: { events: number; replicas: readonly number[]; stepEvents: number; stepSec: number };
  /** Extra settings for edge / processor / dispatcher processes (tuning experiments: BENCH_EDGE_ENV / BENCH_PROCESSOR_ENV / BENCH_DISPATCHER_ENV as JSON). */
  edgeEnv: Record<string, string>;
  processorEnv: Record<string, string>;
  dispatcherEnv: Record<string, string>;
}

function envJson(name: string): Record<string, string> {
  const raw = process.env[name];
  if (!raw) return {};
  const parsed = JSON.parse(raw) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${name} must be a JSON object of settings`);
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

export function loadProfile(name: string): Profile {
  const common = { edgeEnv: envJson('BENCH_EDGE_ENV'), processorEnv: envJson('BENCH_PROCESSOR_ENV'), dispatcherEnv: envJson('BENCH_DISPATCHER_ENV') };
  switch (name) {
    case 'quick':
      return {
        name: 'quick',
        http: { connections: 32, batchConnections: 16, durationSec: 10, warmupSec: 3 },
        kafkaRecords: 1_000_000,
        processorEvents: 200_000,
        burstContacts: 5_000,
        e2eProbeSec: 8,
        e2eSec: 15,
        eventsApiRows: 1_000_000,
        eventsApi: { connections: 4, durationSec: 8, deepP99MaxMs: 50 },
        deliveries: { endpoints: 4, endpointConcurrency: 10, events: 5_000, latencySec: 10, replicas: [1] },
        location: { geofences: [0, 10_000, 100_000], users: 2_000, requests: 8_000, connections: 32 },
        scaleOut: { events: 120_000, replicas: [1, 2, 4, 8, 12], stepEvents: 1_600_000, stepSec: 8 },
        ...common,
      };
    case 'full':
      return {
        name: 'full',
        http: { connections: 64, batchConnections: 32, durationSec: 30, warmupSec: 5 },
        kafkaRecords: 2_000_000,
        processorEvents: 500_000,
        burstContacts: 10_000,
        e2eProbeSec: 20,
        e2eSec: 60,
        eventsApiRows: 10_000_000,
        eventsApi: { connections: 8, durationSec: 30, deepP99MaxMs: 15 },
        deliveries: { endpoints: 4, endpointConcurrency: 10, events: 20_000, latencySec: 30, replicas: [1, 2] },
        location: { geofences: [0, 10_000, 100_000], users: 10_000, requests: 40_000, connections: 32 },
        scaleOut: { events: 200_000, replicas: [1, 2, 4, 8, 12], stepEvents: 2_500_000, stepSec: 20 },
        ...common,
      };
    default:
      throw new Error(`unknown profile "${name}" (quick or full)`);
  }
}
