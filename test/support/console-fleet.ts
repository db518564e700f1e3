import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { buildApp as buildEventsApi, createOverviewSampler, overviewTargets, type OverviewSampler } from '@hookstream/events-api';
import { createRegistry, type Registry } from '@hookstream/observability';
import type { FastifyInstance } from 'fastify';
import { createDeadLetters, type DeadLetters } from '@hookstream/events-api';

import { CONSOLE_DIST, ensureConsoleBuilt } from '../../scripts/console-build.js';
import { startSourcesFleet, type SourcesFleet } from './sources-fleet.js';
import { testKafka } from './kafka.js';

export const READER_TOKEN = 'console-reader-token-0001';
/** Reads HubSpot only: a filter on another provider is outside its scope (403). The bearer is the part before `@`. */
export const SCOPED_TOKEN = 'console-hubspot-only-0001';
const SCOPED_ENTRY = `${SCOPED_TOKEN}@providers=hubspot`;
export const ADMIN_TOKEN = 'console-admin-token-0001';
/**
 * A refused row is retried once after 300 ms and then dead-lettered, so the Dead letters page
 * test gets its dead letter in about a second instead of after five attempts over minutes.
 */
const FAST_DEAD_LETTERS = { PROCESSOR_MAX_ATTEMPTS: '2', PROCESSOR_RETRY_BASE_MS: '300', PROCESSOR_RETRY_MAX_MS: '300' };

export interface ConsoleFleet {
  sources: SourcesFleet;
  /** The sources topic's DLQ, which events-api's dead-letter routes serve. */
  dlqTopic: string;
  /** events-api with the console at /console, on the sources fleet's database. */
  apiUrl: string;
  /** The /metrics URLs events-api's overview scrapes: the edge's and each processor's. */
  metricsTargets: string[];
  /** Stops serving the processors' /metrics, as a crashed processor would: the overview must show them down. */
  stopProcessorMetrics(): Promise<void>;
  /** A JSON call on events-api with a token (default the admin's). */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: T }>;
  stop(): Promise<void>;
}

/**
 * The sources pipeline (edge, a processor, the real broker and database) and events-api in front
 * of its ledger with reader, scoped and admin tokens, serving the console's production build
 * (built first when missing or stale). Endpoints may be loopback http URLs.
 */
export async function startConsoleFleet(): Promise<ConsoleFleet> {
  ensureConsoleBuilt((line) => process.stderr.write(`${line}\n`));
  const sources = await startSourcesFleet({ processors: 1, env: FAST_DEAD_LETTERS });
  const dlqTopic = `${sources.topic}.dlq`;
  let api: FastifyInstance | undefined;
  let deadLetters: DeadLetters | undefined;
  let fleetTargets: string[] = [];
  const metricsServers: Server[] = [];
  let overview: OverviewSampler | undefined;
  try {
    deadLetters = createDeadLetters({
      kafka: testKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'console-events-api', log: sources.log }),
      topics: [{ provider: 'sources', dlq: dlqTopic, target: sources.topic }],
      log: sources.log,
    });
    // Each processor's registry on GET /metrics of its own port, as its health server serves it in production.
    for (const p of sources.processors) metricsServers.push(await serveMetrics(p.registry));
    const metricsTargets = [`${sources.url}/metrics`, ...metricsServers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/metrics`)];
    const registry = createRegistry('events-api');
    // Sampled every second (METRICS_SCRAPE_INTERVAL_MS=1000) so a test sees rates within seconds.
    overview = createOverviewSampler({ targets: overviewTargets(metricsTargets, registry), intervalMs: 1000, log: sources.log });
    api = await buildEventsApi({
      config: {
        EVENTS_API_TOKENS: [READER_TOKEN, SCOPED_ENTRY],
        ADMIN_API_TOKENS: [ADMIN_TOKEN],
        DELIVERY_ALLOW_PRIVATE_NETWORKS: true,
        DELIVERY_ALLOW_HTTP: true,
      },
      ledger: sources.ledger,
      parts: [],
      log: sources.log,
      ready: async () => true,
      dataSource: sources.ds,
      consoleDir: CONSOLE_DIST,
      deadLetters,
      registry,
      overview,
    });
    await api.listen({ port: 0, host: '127.0.0.1' });
    overview.start();
    fleetTargets = metricsTargets;
  } catch (err) {
    await deadLetters?.close();
    await overview?.stop();
    await api?.close();
    await closeAll(metricsServers);
    await sources.stop();
    throw err;
  }
  const apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  const app = api;
  const dl = deadLetters;
  const sampler = overview;
  return {
    sources,
    dlqTopic,
    apiUrl,
    metricsTargets: fleetTargets,
    stopProcessorMetrics: () => closeAll(metricsServers),
    async api(method, path, body, token = ADMIN_TOKEN) {
      const res = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : {}) as never };
    },
    async stop() {
      await sampler.stop();
      await app.close();
      await dl.close();
      await closeAll(metricsServers);
      await sources.stop();
    },
  };
}

async function serveMetrics(registry: Registry): Promise<Server> {
  const server = createServer((_req, res) => {
    void registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Closes the servers and their kept-alive connections (fetch keeps them), so close() does not wait for the idle timeout. */
async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map((s) => {
      const closed = new Promise((r) => s.close(r));
      s.closeAllConnections();
      return closed;
    }),
  );
}
