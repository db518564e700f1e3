import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from '@hookstream/observability';
import { AppError } from '@hookstream/core';
import { forbidden } from '@hookstream/pipeline';
import { StoreUnavailableError, StoreValidationError, type LedgerReader } from '@hookstream/store';
import { createBearerCheck } from './auth.js';
import { ConfigError, type EventsApiConfig } from './config.js';
import type { HostedApi } from './hosted.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { parseTokenEntries, readScope } from './scope.js';

export interface EventsApiDeps {
  /** The entries of EVENTS_API_TOKENS: tokens, each with its scope if it has one. */
  config: Pick<EventsApiConfig, 'EVENTS_API_TOKENS'>;
  /** The cross-provider ledger (GET /events, /events/changes). */
  ledger: LedgerReader;
  /** The providers' parts: their routes, parameters and JSON. */
  parts: readonly HostedApi[];
  log: Logger;
  /** Readiness probe, e.g. a `SELECT 1`. */
  ready: () => Promise<boolean>;
}

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Builds the events-api Fastify app (not listening); a ConfigError for an invalid token entry. */
export async function buildApp(deps: EventsApiDeps): Promise<FastifyInstance> {
  // loadEventsApiConfig has validated these already; callers that build the config by hand get the same check.
  const tokens = parseTokenEntries(deps.config.EVENTS_API_TOKENS);
  if ('problem' in tokens) throw new ConfigError(`EVENTS_API_TOKENS: ${tokens.problem}`);
  const scopeOf = createBearerCheck(tokens.entries.map((e) => ({ token: e.token, value: readScope(e.scope) })));

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

  await app.register(async (api) => {
    api.decorateRequest('scope', undefined);
    api.addHook('onRequest', async (req, reply) => {
      const scope = scopeOf(req.headers.authorization);
      if (scope) {
        req.scope = scope;
        return;
      }
      return reply.code(401).header('www-authenticate', 'Bearer').send({ code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' });
    });
    eventRoutes(api, deps.ledger, deps.parts);
    for (const { provider, part } of deps.parts) {
      if (!part.routes) continue;
      // A provider outside the token's scope is refused here, whatever its routes check: a
      // part only has to enforce its tenants.
      await api.register(async (own) => {
        own.addHook('onRequest', async (req) => {
          if (req.scope?.tenants(provider)?.length === 0) throw forbidden(`this token may not read provider ${provider}`);
        });
        await part.routes?.(own);
      });
    }
  });

  return app;
}
