import type { RegisteredRoute } from './document.js';

/** Reading the OpenAPI document in tests: where a route is, what it answers. */
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

export interface Operation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** `/events/:id` → `/events/{id}`, `/console/*` → `/console/{*}`, as @fastify/swagger writes them. */
export const toOpenApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}');

/** The document's path template a concrete path matches (a static segment before a parameter, as Fastify routes). */
export function templateOf(doc: OpenApiDoc, path: string): string | undefined {
  const segments = path.split('/');
  let best: { template: string; statics: number } | undefined;
  for (const template of Object.keys(doc.paths)) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    let statics = 0;
    const fits = parts.every((p, i) => {
      if (/^\{.+\}$/.test(p)) return true;
      statics += 1;
      return p === segments[i];
    });
    if (fits && (!best || statics > best.statics)) best = { template, statics };
  }
  return best?.template;
}

/** The JSON schema of an answer: the status's own, else its range (4XX), else none. */
export function responseSchema(op: Operation, status: number): unknown {
  const r = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`];
  return r?.content?.['application/json']?.schema;
}

const BODY_METHODS = new Set(['PUT', 'PATCH']);

/**
 * What a route's schema lacks: every route answers a documented 2xx and names its path
 * parameters; PUT and PATCH their body. A query string schema is not required (a route that
 * reads no parameter may leave it out), though every route of events-api and the providers has one.
 */
export function missingSchemaParts(route: RegisteredRoute): string[] {
  const s = (route.schema ?? {}) as Record<string, unknown>;
  const missing: string[] = [];
  const response = (s.response ?? {}) as Record<string, unknown>;
  if (!Object.keys(response).some((code) => /^2(\d\d|xx)$/i.test(code))) missing.push('a 2xx response');
  if (/[:*]/.test(route.url) && !s.params) missing.push('params');
  if (BODY_METHODS.has(route.method) && !s.body) missing.push('body');
  return missing;
}
