import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from '@hookstream/observability';

/**
 * events-api's own metrics: requests by route and status, and latency by route, on GET /metrics
 * beside the providers' (one registry). Routes are Fastify's patterns (`/events/:id`), never
 * the URL, so ids and query strings neither leak nor explode the series.
 */
export function httpMetrics(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'hookstream_events_api_http_requests_total',
    help: 'HTTP replies by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'hookstream_events_api_http_request_seconds',
    help: 'Time to answer, by route pattern',
    labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    requests.inc({ route, method: req.method, status: String(reply.statusCode) });
    seconds.observe({ route }, reply.elapsedTime / 1000);
  });
  // Unauthenticated like the other services' /metrics: scraped from inside the cluster.
  const schema = {
    summary: 'Prometheus metrics of events-api and the providers (no token)',
    tags: ['meta'],
    querystring: { type: 'object', properties: {}, description: 'Ignored.' },
    response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
  };
  app.get('/metrics', { logLevel: 'warn', schema }, async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
}
