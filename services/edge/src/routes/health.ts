import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from '@hookstream/observability';

export interface HealthRouteOptions {
  ready: () => boolean;
  registry: Registry;
}

export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { ready, registry }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (ready()) return { status: 'ready' };
    return reply.code(503).send({ code: 'NOT_READY', message: 'not connected to Kafka' });
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
};
