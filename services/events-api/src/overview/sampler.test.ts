import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, createLogger, createRegistry, type Registry } from '@hookstream/observability';
import { afterEach, describe, expect, it } from 'vitest';
import { createOverviewSampler } from './sampler.js';
import { httpTarget, overviewTargets, registryTarget } from './targets.js';
import { buildView } from './view.js';

const log = createLogger({ name: 'test', level: 'silent' });
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A real HTTP server answering GET /metrics with `answer()`. */
async function serve(answer: () => Promise<{ status: number; body: string }>): Promise<string> {
  const server = createServer((_req, res) => {
    void answer().then(({ status, body }) => res.writeHead(status, { 'content-type': 'text/plain' }).end(body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

function processorRegistry(name: string): { registry: Registry; stored: Counter<'provider'>; lag: Gauge<string>; dlq: Gauge<'topic'> } {
  const registry = createRegistry(name, false);
  return {
    registry,
    stored: new Counter({ name: 'hookstream_processor_events_stored_total', help: 'h', labelNames: ['provider'], registers: [registry] }),
    lag: new Gauge({ name: 'hookstream_kafka_consumer_lag', help: 'h', labelNames: ['group', 'topic', 'partition'], registers: [registry] }),
    dlq: new Gauge({ name: 'hookstream_kafka_dlq_messages', help: 'h', labelNames: ['topic'], registers: [registry] }),
  };
}

const metricsOf = (registry: Registry) => async () => ({ status: 200, body: await registry.metrics() });

describe('the overview sampler', () => {
  it('turns counters into rates, sums shares across targets, takes the max of whole-topic gauges', async () => {
    const a = processorRegistry('processor-1');
    const b = processorRegistry('processor-2');
    const targets = [httpTarget(await serve(metricsOf(a.registry))), httpTarget(await serve(metricsOf(b.registry)))];
    let t = 1_000_000;
    const sampler = createOverviewSampler({ targets, intervalMs: 10_000, log, now: () => t });

    a.stored.inc({ provider: 'hubspot' }, 100);
    a.lag.set({ group: 'g-hub', topic: 'hub', partition: '0' }, 4);
    b.lag.set({ group: 'g-hub', topic: 'hub', partition: '1' }, 6);
    a.dlq.set({ topic: 'hub.dlq' }, 9);
    b.dlq.set({ topic: 'hub.dlq' }, 9);
    await sampler.sample();
    t += 10_000;
    a.stored.inc({ provider: 'hubspot' }, 50);
    b.stored.inc({ provider: 'hubspot' }, 30);
    b.stored.inc({ provider: 'sources' }, 20);
    await sampler.sample();

    const [first, second] = sampler.points();
    // No rate from one scrape; the gauges are there at once.
    expect(first?.readings.eventsPerSecond).toBeUndefined();
    expect(first?.readings.consumerLag).toEqual({ 'g-hub': 10 });
    // hubspot: (50 + 30) / 10 s; sources appeared since the first scrape: 20 / 10 s.
    expect(second?.readings.eventsPerSecond).toEqual({ hubspot: 8, sources: 2 });
    expect(second?.readings.dlqMessages).toEqual({ 'hub.dlq': 9 });
    expect(second?.down).toEqual([]);
    expect(sampler.health().map((h) => [h.up, h.lastSuccessAt, h.error])).toEqual([
      [true, t, null],
      [true, t, null],
    ]);
  });

  it('shows a target that fails as down with the reason, and its share as missing, not as zero', async () => {
    const ok = processorRegistry('processor-1');
    ok.lag.set({ group: 'g', topic: 't', partition: '0' }, 3);
    const refused = await serve(async () => ({ status: 200, body: '' }));
    await new Promise((r) => servers.pop()?.close(r));
    const targets = [
      httpTarget(await serve(metricsOf(ok.registry))),
      httpTarget(await serve(async () => ({ status: 503, body: 'not ready' }))),
      httpTarget(await serve(async () => ({ status: 200, body: '<html>proxy error</html>' }))),
      httpTarget(refused),
    ];
    const sampler = createOverviewSampler({ targets, intervalMs: 1000, log, now: () => 5_000 });
    await sampler.sample();

    const health = sampler.health();
    expect(health.map((h) => [h.up, h.lastSuccessAt, h.error])).toEqual([
      [true, 5_000, null],
      [false, null, 'HTTP 503'],
      [false, null, 'line 1: expected a metric name'],
      [false, null, 'connection refused'],
    ]);
    expect(sampler.points()[0]?.down).toEqual(targets.slice(1).map((t) => t.name));
    const view = buildView(sampler.points(), health, { intervalMs: 1000, windowMs: 60_000, now: 5_000 });
    expect(view.missing).toEqual([3]);
    expect(view.series.consumerLag).toEqual([{ label: 'g', values: [3] }]);
  });

  it('gives up on a target that does not answer within the scrape timeout, HTTP or in-process', async () => {
    const hung = httpTarget(await serve(() => new Promise(() => undefined)));
    const stuck = { name: 'stuck registry', read: () => new Promise<string>(() => undefined) };
    const sampler = createOverviewSampler({ targets: [hung, stuck], intervalMs: 1000, scrapeTimeoutMs: 200, log });
    const started = Date.now();
    await sampler.sample();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sampler.health().map((h) => h.error)).toEqual(['no answer within 200 ms', 'no answer within 200 ms']);
  });

  it('has null, not zero, where nothing answered, and names targets without credentials or query', async () => {
    const url = await serve(async () => ({ status: 500, body: '' }));
    const target = httpTarget(`${url}?x=1`);
    expect(target.name).toBe(`${new URL(url).host}/metrics`);
    const own = processorRegistry('events-api');
    own.stored.inc({ provider: 'hubspot' }, 1);
    let t = 0;
    const sampler = createOverviewSampler({ targets: [registryTarget('self', own.registry), target], intervalMs: 1000, log, now: () => t });
    await sampler.sample();
    t = 2_000;
    own.stored.inc({ provider: 'hubspot' }, 4);
    await sampler.sample();
    const view = buildView(sampler.points(), sampler.health(), { intervalMs: 1000, windowMs: 60_000, now: t });
    expect(view.times).toEqual([0, 2_000]);
    expect(view.series.eventsPerSecond).toEqual([{ label: 'hubspot', values: [null, 2] }]);
    expect(view.series.deliveriesPerMinute).toEqual([]);
    expect(view.missing).toEqual([1, 1]);
  });

  it('keeps one hour of samples and answers only the window asked for', async () => {
    const own = processorRegistry('events-api');
    let t = 0;
    const sampler = createOverviewSampler({ targets: overviewTargets([], own.registry), intervalMs: 60_000, log, now: () => t });
    for (let i = 0; i < 200; i++) {
      own.lag.set({ group: 'g', topic: 't', partition: '0' }, i);
      await sampler.sample();
      t += 60_000;
    }
    const points = sampler.points();
    expect(points.length).toBe(61);
    expect(points[0]?.readings.consumerLag).toEqual({ g: 139 });
    const last10 = buildView(points, sampler.health(), { intervalMs: 60_000, windowMs: 10 * 60_000, now: t - 60_000 });
    expect(last10.series.consumerLag[0]?.values).toEqual([190, 191, 192, 193, 194, 195, 196, 197, 198, 199]);
  });

  it('samples on its timer from start() until stop()', async () => {
    const own = processorRegistry('events-api');
    const sampler = createOverviewSampler({ targets: overviewTargets([], own.registry), intervalMs: 1000, log });
    sampler.start();
    // The first sample at once, the next one interval later.
    await new Promise((r) => setTimeout(r, 100));
    expect(sampler.points().length).toBe(1);
    const until = Date.now() + 5_000;
    while (sampler.points().length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await sampler.stop();
    const n = sampler.points().length;
    expect(n).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(sampler.points().length).toBe(n);
  });
});
