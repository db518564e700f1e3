import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { EdgeConfig } from '@hookstream/config';
import {
  Counter,
  Gauge,
  Histogram,
  createRegistry,
  disabledTracing,
  lazyChildLoggerFactory,
  type Logger,
  type Registry,
  type Tracing,
} from '@hookstream/observability';
import type { EdgePart } from '@hookstream/pipeline';
import { archiveWriter, type ArchiveMetrics, type EdgeArchive } from './archive.js';
import { createClientErrorHandler, errorHandler } from './errors.js';
import { createInflightGate } from './inflight.js';
import type { EventPublisher } from './publisher.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes, type HostedRoute } from './routes/ingest.js';

/** One provider's edge part, with the provider it came from. */
export interface HostedEdgePart {
  provider: string;
  part: EdgePart;
  /**
   * The provider's credential headers (its `redact(env).headers`): never archived. The archive
   * drops authorization, cookie and x-api-key whatever this says.
   */
  secretHeaders?: readonly string[];
}

export interface EdgeDeps {
  config: EdgeConfig;
  publisher: EventPublisher;
  log: Logger;
  now?: () => number;
  registry?: Registry;
  /** The providers' edge parts: their webhook routes and other routes (e.g. HubSpot's OAuth install). */
  parts: readonly HostedEdgePart[];
  /** The raw archive; absent: nothing is archived (ARCHIVE_BACKEND=off). */
  archive?: EdgeArchive;
  /** Request and produce spans; absent: tracing off. */
  tracing?: Tracing;
}

/** Builds the edge without listening (tests use inject() or listen on port 0). */
export async function buildEdgeApp(deps: EdgeDeps): Promise<FastifyInstance> {
  const registry = deps.registry ?? createRegistry('edge');
  const app = Fastify({
    // pino's Logger is Fastify's logger; the cast only widens its generic type.
    loggerInstance: deps.log as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    // A request's child logger is made only if it logs (see lazyChildLoggerFactory).
    childLoggerFactory: lazyChildLoggerFactory as unknown as NonNullable<FastifyServerOptions['childLoggerFactory']>,
    // One info line per delivery ('delivery accepted', or the error handler's 'webhook rejected')
    // instead of Fastify's two more per request; LOG_LEVEL=debug brings a line per request back.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.config.TRUST_PROXY,
    // Small default limit; the webhook route sets its own larger one.
    bodyLimit: 64 * 1024,
    // Slow or stalled clients must not pin sockets: HubSpot itself gives up after 5 s.
    requestTimeout: deps.config.EDGE_REQUEST_TIMEOUT_MS,
    connectionTimeout: deps.config.EDGE_CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: deps.config.EDGE_KEEPALIVE_TIMEOUT_MS,
    http: {
      // Node rejects a headers timeout longer than the request timeout.
      headersTimeout: Math.min(deps.config.EDGE_HEADERS_TIMEOUT_MS, deps.config.EDGE_REQUEST_TIMEOUT_MS),
      maxHeaderSize: deps.config.EDGE_MAX_HEADER_BYTES,
      // Node enforces the two timeouts above only on this sweep (default every 30 s).
      connectionsCheckingInterval: 1000,
    },
    clientErrorHandler: createClientErrorHandler(deps.log, deps.config.EDGE_MAX_HEADER_BYTES),
    // Our own 503 while closing (below), with the { code, message } body of every other error.
    return503OnClosing: false,
  });
  const gate = createInflightGate(deps.config.EDGE_MAX_INFLIGHT_BYTES);
  const requests = new Counter({
    name: 'hookstream_edge_http_requests_total',
    help: 'HTTP replies by route and status',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const accepted = new Counter({ name: 'hookstream_edge_events_accepted_total', help: 'Events acknowledged by Kafka and answered 2xx', registers: [registry] });
  new Gauge({
    name: 'hookstream_edge_inflight_bytes',
    help: 'Request and unsettled Kafka write bytes held (limit EDGE_MAX_INFLIGHT_BYTES)',
    registers: [registry],
    collect() {
      this.set(gate.used());
    },
  });
  const produceSeconds = new Histogram({
    name: 'hookstream_edge_produce_seconds',
    help: 'Time until Kafka acknowledged a delivery',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    requests.inc({ route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
    // Path only: a query string can carry credentials (the OAuth callback's authorization code).
    req.log.debug({ method: req.method, path: req.url.split('?')[0], statusCode: reply.statusCode, ms: reply.elapsedTime }, 'request completed');
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Requests that arrive once shutdown began are turned away; those already in flight finish.
  app.addHook('onRequest', async (_req, reply) => {
    if (!closing) return;
    return reply
      .code(503)
      .header('connection', 'close')
      .header('retry-after', '5')
      .send({ code: 'SHUTTING_DOWN', message: 'the edge is shutting down; retry' });
  });
  // A keep-alive connection would otherwise outlive its last response and hold close() open
  // until SHUTDOWN_TIMEOUT_MS: answers sent while closing end their connection.
  app.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  await app.register(healthRoutes, { ready: () => !closing && deps.publisher.ready(), registry });
  for (const { part } of deps.parts) for (const plugin of part.plugins ?? []) await app.register(plugin);
  const routes = hostedRoutes(deps.parts, deps.archive, deps.archive ? archiveMetrics(registry) : undefined);
  if (routes.length > 0) {
    await app.register(ingestRoutes, {
      routes,
      publisher: deps.publisher,
      gate,
      now: deps.now ?? Date.now,
      metrics: { accepted, produceSeconds },
      maxMessageBytes: deps.config.EDGE_MAX_MESSAGE_BYTES,
      tracing: deps.tracing ?? disabledTracing,
    });
  }
  return app;
}

/** Each part's routes tagged with its provider, and with the archive write when ARCHIVE_PROVIDERS lists it. */
function hostedRoutes(parts: readonly HostedEdgePart[], archive: EdgeArchive | undefined, metrics: ArchiveMetrics | undefined): HostedRoute[] {
  return parts.flatMap(({ provider, part, secretHeaders = [] }) => {
    const write = archive && metrics && archive.providers.includes(provider) ? archiveWriter(archive, provider, secretHeaders, metrics) : undefined;
    return part.routes.map((route) => ({ provider, route, ...(write ? { archive: write } : {}) }));
  });
}

function archiveMetrics(registry: Registry): ArchiveMetrics {
  return {
    writeSeconds: new Histogram({
      name: 'hookstream_edge_archive_write_seconds',
      help: 'Time until the raw archive confirmed a request durable',
      labelNames: ['provider'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'hookstream_edge_archive_failures_total',
      help: 'Accepted requests answered 503 because the raw archive could not store them',
      labelNames: ['provider'],
      registers: [registry],
    }),
  };
}
