import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { ERROR_SCHEMA } from './schemas.js';

/** A route as registered, for the check that the document covers every one (openapi.test.ts). */
export interface RegisteredRoute {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after the OpenAPI plugin, HEAD ones aside (Fastify adds those for each GET). */
    registeredRoutes: RegisteredRoute[];
  }
}

const ERROR = (description: string) => ({ description, ...ERROR_SCHEMA });

/** Statuses every route may answer with the error shape; a route's own schema may name others (404 admin_api_disabled, 503 ARCHIVE_DISABLED). */
const DEFAULT_ERRORS = {
  '4xx': ERROR('The request was refused: bad parameter (400), token (401/403), not found (404), body (422). Always `{code, message}`.'),
  '5xx': ERROR('The server could not answer: the database is unavailable (503, retry-after) or an internal error (500).'),
};

/** Routes a caller may read without a bearer token. */
const PUBLIC = [/^\/healthz$/, /^\/readyz$/, /^\/metrics$/, /^\/openapi\.json$/, /^\/console(\/|$)/];

function withDefaults(schema: FastifySchema, url: string): FastifySchema {
  const response = (schema.response ?? {}) as Record<string, unknown>;
  return {
    ...schema,
    response: { ...DEFAULT_ERRORS, ...response },
    ...(PUBLIC.some((p) => p.test(url)) ? { security: [] } : {}),
  };
}

/**
 * Registers @fastify/swagger (before any route, so it sees them all) and GET /openapi.json: the
 * OpenAPI 3.1 document generated from the route schemas, whoever registered them. No token: it
 * describes the routes and holds no data, like /healthz.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, schema: route.schema });
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hookstream events-api',
        version: '1',
        description:
          'Reads of stored webhook events, the providers’ read routes and the admin API (endpoints, deliveries, archive). Every error answer is `{code, message}`.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'One of EVENTS_API_TOKENS, or of ADMIN_API_TOKENS for admin routes.' } },
      },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url }) => ({ schema: withDefaults((schema ?? {}) as FastifySchema, url), url }),
  });
  app.get(
    '/openapi.json',
    {
      logLevel: 'warn',
      schema: {
        summary: 'This document (OpenAPI 3.1)',
        tags: ['meta'],
        querystring: { type: 'object', properties: {}, description: 'Ignored.' },
        response: { 200: { description: 'The OpenAPI 3.1 document of every route', type: 'object', additionalProperties: true } },
      },
    },
    async () => app.swagger(),
  );
}
