import type { FastifyInstance } from 'fastify';
import { AppError } from '@hookstream/core';
import {
  assertFilter,
  ENDPOINT_ID,
  EndpointInputSchema,
  EndpointPatchSchema,
  generateSecret,
  newEndpointId,
  type Endpoint,
  type EndpointPatch,
} from '@hookstream/deliveries';
import { DEFAULT_LIMIT } from '@hookstream/pipeline';
import * as s from '../openapi/schemas.js';
import { withSecret, type AdminContext } from '../admin/context.js';
import { decodeIdCursor, encodeCursor } from '../admin/cursor.js';
import { endpointJson, healthJson, type EndpointHealth, type EndpointJson } from '../admin/present.js';
import * as a from '../admin/schemas.js';
import { invalidBody, parseBody } from '../admin/validate.js';

export type CreatedEndpoint = EndpointJson & { secret: string };
export type EndpointWithHealth = EndpointJson & { health: EndpointHealth };
export interface EndpointsPage {
  endpoints: EndpointJson[];
  /** The `cursor` of the next page; null on the last one. */
  next: string | null;
}
export interface RotatedSecret {
  endpointId: string;
  secret: string;
  /** Until then the previous secrets keep signing beside the new one. */
  previousSecretsExpireAt: string;
}

type IdParams = { Params: { id: string } };

const tags = ['admin'];
const ID = s.pathParams({ id: a.ENDPOINT_ID_PARAM });
const CONFLICT = { ...s.ERROR_SCHEMA, description: 'endpoint_managed_by_config: declared in ENDPOINTS_FILE or a provider’s rules' };
const SCHEMAS = {
  create: {
    summary: 'Create an endpoint; the answer carries its secret (once)',
    tags,
    querystring: s.query(),
    body: a.zodBody(EndpointInputSchema, 'The endpoint: url required; filter, rate limit, ordering optional.'),
    response: { 201: a.CREATED_ENDPOINT },
  },
  list: {
    summary: 'Endpoints, by id',
    tags,
    querystring: s.query({ limit: s.limit, cursor: s.cursor('The `next` of the previous page.') }),
    response: { 200: a.ENDPOINTS_PAGE },
  },
  get: { summary: 'One endpoint with its delivery health', tags, params: ID, querystring: s.query(), response: { 200: a.ENDPOINT_WITH_HEALTH } },
  patch: {
    summary: 'Change an endpoint (config and rules endpoints: only `enabled`)',
    tags,
    params: ID,
    querystring: s.query(),
    body: a.zodBody(EndpointPatchSchema, 'The fields to change; at least one.'),
    response: { 200: a.ENDPOINT_JSON, 409: CONFLICT },
  },
  remove: {
    summary: 'Delete an endpoint (its deliveries stop)',
    tags,
    params: ID,
    querystring: s.query(),
    response: { 204: { description: 'Deleted', type: 'null' }, 409: CONFLICT },
  },
  rotate: {
    summary: 'Rotate the signing secret; the previous ones keep signing for ENDPOINT_SECRET_OVERLAP',
    tags,
    params: ID,
    querystring: s.query(),
    response: { 200: a.ROTATED_SECRET, 409: CONFLICT },
  },
};

/** An endpoint's definition may carry a long filter (up to 200 types and sources, match values); the app's default is 16 KiB. */
const BODY_LIMIT = 256 * 1024;

export function endpointNotFound(id: string): AppError {
  return new AppError('endpoint_not_found', 404, `no endpoint ${ENDPOINT_ID.test(id) ? id : 'with that id'}`);
}

/** An endpoint that exists and is not deleted, or a 404. */
export async function existingEndpoint(ctx: AdminContext, id: string): Promise<Endpoint> {
  // Ids are ours (ep_ + base32) or a config file's (ep_name): anything else cannot exist.
  const endpoint = ENDPOINT_ID.test(id) ? await ctx.endpoints.get(id) : null;
  if (!endpoint) throw endpointNotFound(id);
  return endpoint;
}

/** Where a declared endpoint's definition lives, for the refusal's message. */
const DECLARED_IN: Record<string, string> = {
  config: 'the endpoints file (ENDPOINTS_FILE)',
  rules: "a provider's rules in SOURCES_FILE (e.g. the CRM's status actions)",
};

function managedByConfig(endpoint: Endpoint, what: string): AppError {
  return new AppError(
    'endpoint_managed_by_config',
    409,
    `endpoint ${endpoint.id} is declared in ${DECLARED_IN[endpoint.origin] ?? endpoint.origin}: ${what} there; here only {"enabled"} can be changed`,
  );
}

/**
 * The admin API's endpoints: POST/GET /endpoints, GET/PATCH/DELETE /endpoints/:id and
 * POST /endpoints/:id/rotate-secret. A secret is answered twice in an endpoint's life: when it
 * is created and when it is rotated; never in a read.
 */
export function endpointRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.post('/endpoints', { bodyLimit: BODY_LIMIT, schema: SCHEMAS.create }, async (req, reply): Promise<CreatedEndpoint> => {
    const input = parseBody(EndpointInputSchema, req.body, 'endpoint');
    assertFilter(input.filter);
    await ctx.checkUrl(input.url);
    const secret = generateSecret();
    const id = newEndpointId();
    const endpoint = await withSecret('create endpoint', () => ctx.endpoints.create(input, { id, secret, origin: 'api', now: ctx.now() }));
    req.log.info({ endpointId: endpoint.id }, 'endpoint created');
    reply.code(201).header('location', `/endpoints/${endpoint.id}`);
    return { ...endpointJson(endpoint), secret };
  });

  app.get<{ Querystring: { limit?: number; cursor?: string } }>('/endpoints', { schema: SCHEMAS.list }, async (req): Promise<EndpointsPage> => {
    const q = req.query;
    const limit = q.limit ?? DEFAULT_LIMIT;
    const afterId = q.cursor === undefined ? undefined : decodeIdCursor('cursor', q.cursor, 'endpoints');
    const rows = await ctx.endpoints.list({ limit: limit + 1, ...(afterId !== undefined ? { afterId } : {}) });
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return { endpoints: shown.map(endpointJson), next: rows.length > limit && last ? encodeCursor('endpoints', last.id) : null };
  });

  app.get<IdParams>('/endpoints/:id', { schema: SCHEMAS.get }, async (req): Promise<EndpointWithHealth> => {
    const endpoint = await existingEndpoint(ctx, req.params.id);
    const counts = await ctx.deliveries.counts(endpoint.id);
    return { ...endpointJson(endpoint), health: healthJson(endpoint, counts) };
  });

  app.patch<IdParams>('/endpoints/:id', { bodyLimit: BODY_LIMIT, schema: SCHEMAS.patch }, async (req): Promise<EndpointJson> => {
    const patch: EndpointPatch = parseBody(EndpointPatchSchema, req.body, 'endpoint change');
    const fields = Object.keys(patch) as Array<keyof EndpointPatch>;
    if (fields.length === 0) throw invalidBody('endpoint change', [{ path: '', message: 'names no field to change' }]);
    const endpoint = await existingEndpoint(ctx, req.params.id);
    if (endpoint.origin !== 'api' && fields.some((f) => f !== 'enabled')) throw managedByConfig(endpoint, 'change it');
    if (patch.filter !== undefined) assertFilter(patch.filter);
    if (patch.url !== undefined) await ctx.checkUrl(patch.url);
    const updated = await ctx.endpoints.update(endpoint.id, patch, ctx.now());
    if (!updated) throw endpointNotFound(endpoint.id);
    req.log.info({ endpointId: endpoint.id, fields }, 'endpoint changed');
    return endpointJson(updated);
  });

  app.delete<IdParams>('/endpoints/:id', { schema: SCHEMAS.remove }, async (req, reply) => {
    const endpoint = await existingEndpoint(ctx, req.params.id);
    if (endpoint.origin !== 'api') throw managedByConfig(endpoint, 'remove it');
    if (!(await ctx.endpoints.remove(endpoint.id, ctx.now()))) throw endpointNotFound(endpoint.id);
    req.log.info({ endpointId: endpoint.id }, 'endpoint deleted');
    return reply.code(204).send();
  });

  app.post<IdParams>('/endpoints/:id/rotate-secret', { schema: SCHEMAS.rotate }, async (req): Promise<RotatedSecret> => {
    const endpoint = await existingEndpoint(ctx, req.params.id);
    if (endpoint.origin !== 'api') throw managedByConfig(endpoint, 'its secret is set');
    const secret = generateSecret();
    const now = ctx.now();
    const rotated = await withSecret('rotate endpoint secret', () => ctx.endpoints.rotateSecret(endpoint.id, secret, ctx.secretOverlapMs, now));
    if (!rotated) throw endpointNotFound(endpoint.id);
    req.log.info({ endpointId: endpoint.id, overlapMs: ctx.secretOverlapMs }, 'endpoint secret rotated');
    return { endpointId: endpoint.id, secret, previousSecretsExpireAt: new Date(now + ctx.secretOverlapMs).toISOString() };
  });
}
