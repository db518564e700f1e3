import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { ArchiveStore } from '@hookstream/archive';
import { createRegistry, type Logger, type Registry } from '@hookstream/observability';
import { AppError } from '@hookstream/core';
import type { Resolve } from '@hookstream/deliveries';
import { forbidden } from '@hookstream/pipeline';
import { StoreUnavailableError, StoreValidationError, type DataSource, type LedgerReader } from '@hookstream/store';
import { createCallerCheck, parseAdminTokens, requireAdmin } from './admin-auth.js';
import { createAdminContext, type AdminContext } from './admin/context.js';
import { ConfigError, sharedToken, type EventsApiConfig } from './config.js';
import { consoleRoutes } from './console.js';
import type { HostedApi } from './hosted.js';
import type { DeadLetters } from './dead-letters/service.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { endpointRoutes } from './routes/endpoints.js';
import { eventRoutes } from './routes/events.js';
import { archiveRoutes } from './routes/archive.js';
import { healthRoutes } from './routes/health.js';
import { httpMetrics } from './http-metrics.js';
import { registerOpenApi } from './openapi/document.js';
import { createValidatorCompiler, formatSchemaErrors } from './openapi/validation.js';
import { overviewRoutes } from './overview/route.js';
import type { OverviewSampler } from './overview/sampler.js';
import { parseTokenEntries } from './scope.js';

/** The settings of the admin API; absent ones take their defaults (admin API off, URLs https to public addresses, 24 h overlap). */
type AdminConfig = Pick<
  EventsApiConfig,
  'ADMIN_API_TOKENS' | 'DELIVERY_ALLOW_PRIVATE_NETWORKS' | 'DELIVERY_ALLOW_HTTP' | 'DELIVERY_ALLOW_LIST' | 'ENDPOINT_SECRET_OVERLAP'
>;

export interface EventsApiDeps {
  /** The entries of EVENTS_API_TOKENS (tokens, each with its scope if it has one), and the admin API's settings. */
  config: Pick<EventsApiConfig, 'EVENTS_API_TOKENS'> & Partial<AdminConfig>;
  /** The cross-provider ledger (GET /events, /events/changes). */
  ledger: LedgerReader;
  /** The providers' parts: their routes, parameters and JSON. */
  parts: readonly HostedApi[];
  log: Logger;
  /** Readiness probe, e.g. a `SELECT 1`. */
  ready: () => Promise<boolean>;
  /** The database of endpoints and deliveries; required when ADMIN_API_TOKENS lists a token. */
  dataSource?: DataSource;
  /** The admin API's clock (epoch ms); default Date.now. */
  now?: () => number;
  /** How the URL guard resolves endpoint hosts; default the system resolver (tests inject one). */
  resolve?: Resolve;
  /** Where GET /metrics reads from (the providers' metrics too); default a registry of its own. */
  registry?: Registry;
  /** The raw archive GET /archive/:requestId reads; absent: ARCHIVE_BACKEND=off (503 ARCHIVE_DISABLED). */
  archive?: ArchiveStore;
  /** The console's build served at /console without a token (packages/console/dist); absent: no /console. */
  consoleDir?: string;
  /** The fleet's metrics sampled over the last hour (GET /overview); absent: no /overview. */
  overview?: OverviewSampler;
  /** The dead-letter routes' Kafka side (dead-letters/service.ts); absent: KAFKA_BROKERS unset, they answer 503 KAFKA_NOT_CONFIGURED. */
  deadLetters?: DeadLetters;
}

const DAY_MS = 24 * 3_600_000;

function adminContext(deps: EventsApiDeps): AdminContext | undefined {
  const c = deps.config;
  const tokens = c.ADMIN_API_TOKENS ?? [];
  const problem = parseAdminTokens(tokens);
  if (problem) throw new ConfigError(`ADMIN_API_TOKENS: ${problem}`);
  if (tokens.length === 0) return undefined;
  if (!deps.dataSource) throw new Error('events-api: ADMIN_API_TOKENS is set, so buildApp needs the dataSource of endpoints and deliveries');
  try {
    return createAdminContext(
      deps.dataSource,
      {
        DELIVERY_ALLOW_PRIVATE_NETWORKS: c.DELIVERY_ALLOW_PRIVATE_NETWORKS ?? false,
        DELIVERY_ALLOW_HTTP: c.DELIVERY_ALLOW_HTTP ?? false,
        DELIVERY_ALLOW_LIST: c.DELIVERY_ALLOW_LIST ?? [],
        ENDPOINT_SECRET_OVERLAP: c.ENDPOINT_SECRET_OVERLAP ?? DAY_MS,
      },
      { now: deps.now ?? Date.now, ...(deps.resolve ? { resolve: deps.resolve } : {}) },
    );
  } catch (err) {
    if (err instanceof RangeError) throw new ConfigError(`DELIVERY_ALLOW_LIST: ${err.message.replace(/^allowList /, '')}`);
    throw err;
  }
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

/** The admin API's paths, answered with 404 admin_api_disabled while it is off. */
const ADMIN_PATHS = ['/endpoints', '/endpoints/*', '/events/:id/deliveries'];

/** Builds the events-api Fastify app (not listening); a ConfigError for an invalid token entry. */
export async function buildApp(deps: EventsApiDeps): Promise<FastifyInstance> {
  // loadEventsApiConfig has validated these already; callers that build the config by hand get the same check.
  const tokens = parseTokenEntries(deps.config.EVENTS_API_TOKENS);
  if ('problem' in tokens) throw new ConfigError(`EVENTS_API_TOKENS: ${tokens.problem}`);
  const admin = adminContext(deps);
  const adminTokens = deps.config.ADMIN_API_TOKENS ?? [];
  const shared = sharedToken(adminTokens, tokens.entries);
  if (shared) throw new ConfigError(`ADMIN_API_TOKENS: ${shared}`);
  // Reader and admin tokens in one constant-time check; an admin token reads with full scope.
  const callerOf = createCallerCheck(tokens.entries, adminTokens);

  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: 16 * 1024,
    schemaErrorFormatter: formatSchemaErrors,
  }) as unknown as FastifyInstance;
  // Route schemas validate requests (openapi/validation.ts) and document responses: replies are
  // still JSON.stringify'd, so a schema that forgot a field documents it wrong (openapi.test.ts
  // checks replies against it) instead of silently dropping it from the answer.
  app.setValidatorCompiler(createValidatorCompiler());
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await registerOpenApi(app);

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
  httpMetrics(app, deps.registry ?? createRegistry('events-api'));
  if (deps.consoleDir) consoleRoutes(app, { dir: deps.consoleDir });

  await app.register(async (api) => {
    api.decorateRequest('scope', undefined);
    api.decorateRequest('admin', false);
    api.addHook('onRequest', async (req, reply) => {
      const caller = callerOf(req.headers.authorization);
      if (caller) {
        req.scope = caller.scope;
        req.admin = caller.admin;
        return;
      }
      return reply.code(401).header('www-authenticate', 'Bearer').send({ code: 'UNAUTHORIZED', message: 'missing or invalid bearer token' });
    });
    // The admin API (endpoints, deliveries): admin tokens only; 404 when ADMIN_API_TOKENS is unset.
    await api.register(async (own) => {
      own.addHook('onRequest', requireAdmin(admin !== undefined));
      // The raw archive needs no admin context: registered either way, so while the admin API
      // is off it answers 404 admin_api_disabled like the other admin routes.
      archiveRoutes(own, deps.archive);
      // Providers' admin routes (geofences) need no admin context: registered either way, so
      // while the admin API is off they answer 404 admin_api_disabled like the others.
      for (const { part } of deps.parts) await part.adminRoutes?.(own);
      // Dead letters need Kafka, not the admin context: registered either way, like the archive.
      deadLetterRoutes(own, deps.deadLetters);
      if (!admin) {
        // Off: the admin paths still answer, with a message saying how to turn it on (not in /openapi.json: they only refuse).
        for (const url of ADMIN_PATHS) own.all(url, { schema: { hide: true } }, async () => undefined);
        return;
      }
      endpointRoutes(own, admin);
      deliveryRoutes(own, admin, deps.ledger);
    });
    eventRoutes(api, deps.ledger, deps.parts);
    if (deps.overview) overviewRoutes(api, deps.overview);
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
