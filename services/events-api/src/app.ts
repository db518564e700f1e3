import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from '@hookstream/observability';
import { AppError } from '@hookstream/core';
import { StoreUnavailableError, StoreValidationError, type LedgerReader } from '@hookstream/store';
import { createBearerCheck } from './auth.js';
import type { EventsApiConfig } from './config.js';
import type { HostedApi } from './hosted.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';

export interface EventsApiDeps {
  config: Pick<EventsApiConfig, 'EVENTS_API_TOKENS'>;
  /** The cross-provider ledger (GET /events, /events/changes). */
  ledger: LedgerReader;
  /** The providers' parts: their routes, parameters and JSON. */
  parts: readonly HostedApi[];
  log: Logger;
  /** Readiness probe, e.g. a `SELECT 1`. */
  ready: () => Promise<boolean>;
}

const STATUS_CODES: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/** Builds the events-api Fastify app (not listening). */
export async function buildApp(deps: EventsApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger, bodyLimit: 16 * 1024 }) as unknown as FastifyInstance;

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) return reply.code(err.httpStatus).send(err.toJSON());
    if (err instanceof StoreUnavailableError) {
      req.log.warn({ err }, 'store unavailable');
      return reply.code(503).header('retry-after', '5').send({ code: 'UNAVAILABLE', message: 'database unavailable, retry later' });
    }
    if (err instanceof StoreValidationError) return reply.code(400).send({ code: 'BAD_REQUEST', message: err.message });
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ code: STATUS_CODES[status] ?? 'BAD_REQUEST', message: err.message });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ code: 'INTERNAL', message: 'internal error' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ code: 'NOT_FOUND', message: `no route for ${req.method} ${req.url.split('?')[0]}` }));

  healthRoutes(app, deps.ready);

  const authorized = createBearerCheck(deps.config.EVENTS_API_TOKENS);
  await app.register(async (api) => {
    api.addHook('onRequest', async (req, reply) => {
      if (authorized(req.headers.authorization)) return;
      return reply.code(401).header('www-authenticate', 'Bearer').send({ code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' });
    });
    eventRoutes(api, deps.ledger, deps.parts);
    for (const { part } of deps.parts) await part.routes?.(api);
  });

  return app;
}
