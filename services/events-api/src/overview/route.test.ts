import { Gauge, createLogger, createRegistry } from '@hookstream/observability';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { createFakeReader, fakeHubSpotApi } from '../testing/fake-reader.js';
import { createOverviewSampler, type OverviewSampler } from './sampler.js';
import { overviewTargets } from './targets.js';

const READER = 'tok_reader_aaaaaaaaaa';
const SCOPED = 'tok_scoped_bbbbbbbbbb';
const log = createLogger({ name: 'test', level: 'silent' });

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(overview: OverviewSampler | undefined): Promise<FastifyInstance> {
  app = await buildApp({
    config: { EVENTS_API_TOKENS: [READER, `${SCOPED}@providers=hubspot`] },
    ...fakeHubSpotApi(createFakeReader([])),
    log,
    ready: async () => true,
    ...(overview ? { overview } : {}),
  });
  return app;
}

async function sampled(): Promise<OverviewSampler> {
  const registry = createRegistry('events-api', false);
  new Gauge({ name: 'hookstream_kafka_consumer_lag', help: 'h', labelNames: ['group'], registers: [registry] }).set({ group: 'g' }, 5);
  const sampler = createOverviewSampler({ targets: overviewTargets([], registry), intervalMs: 15_000, log });
  await sampler.sample();
  return sampler;
}

const get = (a: FastifyInstance, url: string, token?: string) => a.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('GET /overview', () => {
  it('answers the series and target health to a reader token', async () => {
    const res = await get(await build(await sampled()), '/overview', READER);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ intervalMs: 15_000, windowMs: 3_600_000, missing: [0] });
    expect(body.times).toHaveLength(1);
    expect(body.series).toEqual({ eventsPerSecond: [], consumerLag: [{ label: 'g', values: [5] }], deliveriesPerMinute: [], dlqMessages: [] });
    expect(body.targets).toEqual([{ name: 'events-api (this process)', up: true, lastScrapeAt: body.times[0], lastSuccessAt: body.times[0], error: null }]);
  });

  it('narrows to ?minutes and refuses a window outside 1..60 with a 400 naming it', async () => {
    const a = await build(await sampled());
    expect((await get(a, '/overview?minutes=5', READER)).json().windowMs).toBe(300_000);
    for (const bad of ['0', '61', 'soon', '1.5']) {
      const res = await get(a, `/overview?minutes=${bad}`, READER);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json()).toEqual({ code: 'BAD_REQUEST', message: 'minutes: must be an integer from 1 to 60' });
    }
    const unknown = await get(a, '/overview?window=5', READER);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('window');
  });

  it('needs a token, with full scope', async () => {
    const a = await build(await sampled());
    expect((await get(a, '/overview')).statusCode).toBe(401);
    const scoped = await get(a, '/overview', SCOPED);
    expect(scoped.statusCode).toBe(403);
    expect(scoped.json().message).toContain('providers= scope');
  });

  it('is not there when no sampler is given', async () => {
    expect((await get(await build(undefined), '/overview', READER)).statusCode).toBe(404);
  });
});
