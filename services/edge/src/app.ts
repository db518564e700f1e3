import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { EdgeConfig } from '@hookstream/config';
import { Counter, Histogram, createRegistry, type Logger, type Registry } from '@hookstream/observability';
import { errorHandler } from './errors.js';
import type { EventPublisher } from './publisher.js';
import { healthRoutes } from './routes/health.js';
import { hubspotWebhookRoutes } from './routes/webhooks.js';

export interface EdgeDeps {
  config: EdgeConfig;
  publisher: EventPublisher;
  log: Logger;
  now?: () => number;
  registry?: Registry;
}

/** Builds the edge without listening (tests use inject() or listen on port 0). */
export async function buildEdgeApp(deps: EdgeDeps): Promise<FastifyInstance> {
  const registry = deps.registry ?? createRegistry('edge');
  const app = Fastify({
    // pino's Logger is Fastify's logger; the cast only widens its generic type.
    loggerInstance: deps.log as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    trustProxy: deps.config.TRUST_PROXY,
    // Small default limit; the webhook route sets its own larger one.
    bodyLimit: 64 * 1024,
    // Slow or stalled clients must not pin sockets: HubSpot itself gives up after 5 s.
    requestTimeout: 15_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
  });
  const requests = new Counter({ name: 'hookstream_edge_http_requests_total', help: 'HTTP replies by route and status', labelNames: ['route', 'status'], registers: [registry] });
  const accepted = new Counter({ name: 'hookstream_edge_events_accepted_total', help: 'Events acknowledged by Kafka and answered 2xx', registers: [registry] });
  const produceSeconds = new Histogram({ name: 'hookstream_edge_produce_seconds', help: 'Time until Kafka acknowledged a delivery', buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4], registers: [registry] });
  app.addHook('onResponse', async (req, reply) => {
    requests.inc({ route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  await app.register(healthRoutes, { ready: () => !closing && deps.publisher.ready(), registry });
  await app.register(hubspotWebhookRoutes, {
    config: deps.config,
    publisher: deps.publisher,
    now: deps.now ?? Date.now,
    metrics: { accepted, produceSeconds },
  });
  return app;
}
