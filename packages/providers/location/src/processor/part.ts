import { Gauge } from '@hookstream/observability';
import { createBatchRuntime, createRuntimeMetrics, type ProcessorContext, type ProcessorPart } from '@hookstream/pipeline';
import { PROVIDER } from '../constants.js';
import { createGeofenceCache } from './geofence-cache.js';
import { createGeofenceStream } from './geofence-stream.js';
import { locationStep } from './step.js';

export interface LocationProcessorOptions {
  groupId: string;
  topics: { events: string; retry: string; dlq: string };
  geofenceTopic: string;
  retry: { maxAttempts: number; baseMs: number; maxMs: number };
  dwellMs: number | null;
  exitMarginM: number;
  refreshMs: number;
  republishAfterMs: number;
  produceTimeoutMs: number;
}

/** Runs `fn` every `ms` until stopped; a failing run is logged and the next one tried. */
function every(ms: number, what: string, fn: () => Promise<unknown>, log: ProcessorContext['log']): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = (): void => {
    running = fn()
      .catch((err: unknown) => log.warn({ err }, `${what} failed; retrying in ${ms} ms`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, ms);
      });
  };
  timer = setTimeout(tick, ms);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export function locationProcessorPart(opts: LocationProcessorOptions, ctx: ProcessorContext): ProcessorPart {
  const log = ctx.log.child({ provider: PROVIDER });
  const geofences = createGeofenceCache(ctx.dataSource, log);
  new Gauge({
    name: 'hookstream_location_geofences',
    help: "Geofences in this replica's index",
    registers: [ctx.registry],
    collect() {
      this.set(geofences.index.size());
    },
  });
  new Gauge({
    name: 'hookstream_location_geofence_changes_applied_seq',
    help: "The last geofence change (geofence_seq) applied to this replica's index: behind the table's by at most one refresh",
    registers: [ctx.registry],
    collect() {
      this.set(geofences.position().seq);
    },
  });
  // The first load is retried until it succeeds: batches wait on it rather than match against nothing.
  let loaded: Promise<void> | undefined;
  const ready = (): Promise<void> =>
    (loaded ??= geofences.refresh().then(
      (n) => log.info({ geofences: geofences.index.size(), changes: n }, 'geofences loaded'),
      (err: unknown) => {
        loaded = undefined;
        throw Object.assign(new Error('geofences could not be loaded', { cause: err }), { retryable: true });
      },
    ));
  const stream = createGeofenceStream({
    producer: ctx.producer,
    topic: opts.geofenceTopic,
    dataSource: ctx.dataSource,
    log,
    now: ctx.now,
    registry: ctx.registry,
    republishAfterMs: opts.republishAfterMs,
    produceTimeoutMs: opts.produceTimeoutMs,
  });
  const loops: Array<{ stop(): Promise<void> }> = [];
  return {
    groupId: opts.groupId,
    topics: opts.topics,
    produces: [opts.geofenceTopic],
    handler: createBatchRuntime(
      locationStep({ dataSource: ctx.dataSource, geofences, stream, ready, now: ctx.now, dwellMs: opts.dwellMs, exitMarginM: opts.exitMarginM }),
      {
        producer: ctx.producer,
        dlqTopic: opts.topics.dlq,
        retryTopic: opts.topics.retry,
        retry: opts.retry,
        log,
        now: ctx.now,
        metrics: createRuntimeMetrics(ctx.registry)(PROVIDER),
        tracing: ctx.tracing,
      },
    ),
    async start() {
      await ready().catch((err: unknown) => log.warn({ err }, 'geofences not loaded yet; retried with the first batch'));
      loops.push(every(opts.refreshMs, 'geofence refresh', () => geofences.refresh(), log));
      loops.push(every(opts.republishAfterMs, 'geofence stream sweep', () => stream.sweep(), log));
    },
    async stop() {
      await Promise.all(loops.splice(0).map((l) => l.stop()));
    },
    describe: () => ({ geofences: geofences.index.size(), geofenceTopic: opts.geofenceTopic }),
  };
}
