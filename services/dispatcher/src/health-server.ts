import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger, Registry } from '@hookstream/observability';

/** /healthz, /readyz and /metrics; the dispatcher serves no other HTTP. */
export async function buildHealthServer(opts: { log: Logger; ready: () => boolean; registry: Registry }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: opts.log as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) =>
    opts.ready() ? { status: 'ready' } : reply.code(503).send({ code: 'NOT_READY', message: 'not a member of the dispatcher group' }),
  );
  app.get('/metrics', async (_req, reply) => reply.type(opts.registry.contentType).send(await opts.registry.metrics()));
  return app;
}
