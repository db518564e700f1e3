import type { FastifyInstance } from 'fastify';
import { ERROR_SCHEMA } from '../openapi/schemas.js';

const status = (value: string) => ({ type: 'object', additionalProperties: false, required: ['status'], properties: { status: { const: value } } });
/** Probes' query strings are ignored, as before: a probe never fails on a parameter. */
const NO_QUERY = { type: 'object', properties: {}, description: 'Ignored.' };

export function healthRoutes(app: FastifyInstance, ready: () => Promise<boolean>): void {
  // Probes hit these every few seconds; keep them out of the info-level request log.
  app.get(
    '/healthz',
    { logLevel: 'warn', schema: { summary: 'Liveness (no token)', tags: ['meta'], querystring: NO_QUERY, response: { 200: status('ok') } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Readiness: the database answers (no token)',
        tags: ['meta'],
        querystring: NO_QUERY,
        response: { 200: status('ready'), 503: { ...ERROR_SCHEMA, description: 'NOT_READY' } },
      },
    },
    async (req, reply) => {
      let ok = false;
      try {
        ok = await ready();
      } catch (err) {
        req.log.warn({ err }, 'readiness check failed');
      }
      if (ok) return { status: 'ready' };
      return reply.code(503).send({ code: 'NOT_READY', message: 'database not reachable' });
    },
  );
}
