import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp as buildEventsApi, createOverviewSampler, overviewTargets, type OverviewSampler } from '@hookstream/events-api';
import { createRegistry, type Registry } from '@hookstream/observability';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../../scripts/console-build.js';
import { startSourcesFleet, type SourcesFleet } from './sources-fleet.js';

export const READER_TOKEN = 'console-reader-token-0001';
/** Reads HubSpot only: a filter on another provider is outside its scope (403). The bearer is the part before `@`. */
export const SCOPED_TOKEN = 'console-hubspot-only-0001';
const SCOPED_ENTRY = `${SCOPED_TOKEN}@providers=hubspot`;
export const ADMIN_TOKEN = 'console-admin-token-0001';

export interface ConsoleFleet {
  sources: SourcesFleet;
  /** events-api with the console at /console, on the sources fleet's database. */
  apiUrl: string;
  /** The /metrics URLs events-api's overview scrapes: the edge's and each processor's. */
  metricsTargets: string[];
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
  const sources = await startSourcesFleet({ processors: 1 });
  let api: FastifyInstance | undefined;
  let fleetTargets: string[] = [];
  const metricsServers: Server[] = [];
  let overview: OverviewSampler | undefined;
  try {
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
      registry,
      overview,
    });
    await api.listen({ port: 0, host: '127.0.0.1' });
    overview.start();
    fleetTargets = metricsTargets;
  } catch (err) {
    await overview?.stop();
    await api?.close();
    await closeAll(metricsServers);
    await sources.stop();
    throw err;
  }
  const apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  const app = api;
  const sampler = overview;
  return {
    sources,
    apiUrl,
    metricsTargets: fleetTargets,
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

const closeAll = (servers: readonly Server[]): Promise<unknown> => Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
