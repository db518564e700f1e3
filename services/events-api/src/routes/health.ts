import type { FastifyInstance } from 'fastify';

export function healthRoutes(app: FastifyInstance, ready: () => Promise<boolean>): void {
  // Probes hit these every few seconds; keep them out of the info-level request log.
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (req, reply) => {
    let ok = false;
    try {
      ok = await ready();
    } catch (err) {
      req.log.warn({ err }, 'readiness check failed');
    }
    if (ok) return { status: 'ready' };
    return reply.code(503).send({ code: 'NOT_READY', message: 'database not reachable' });
  });
}
