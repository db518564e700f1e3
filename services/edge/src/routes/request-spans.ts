import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isTraceparent } from '@hookstream/kafka';
import { SpanKind, endSpan, type Span, type Tracing } from '@hookstream/observability';

/** Each webhook request's span, from its first hook to its response. */
export interface RequestSpans {
  /** The request's span (an inert one when tracing is off). */
  of(req: FastifyRequest): Span | undefined;
}

/**
 * Adds the edge request span (`POST /webhooks/...`, kind server) to the routes of this scope.
 * Registered first, so that a request turned away by the in-flight gate has its span too. A
 * sender's own `traceparent` header becomes a link, not the parent: the edge is public, and a
 * sender must not be able to graft our spans onto its trace (or pick their sampling).
 */
export function requestSpans(app: FastifyInstance, tracing: Tracing, providerOf: (routeUrl: string | undefined) => string | undefined): RequestSpans {
  const spans = new WeakMap<FastifyRequest, Span>();
  if (!tracing.enabled) return { of: () => undefined };
  app.addHook('onRequest', async (req) => {
    const route = req.routeOptions.url;
    const incoming = req.headers.traceparent;
    const provider = providerOf(route);
    spans.set(
      req,
      tracing.startSpan(`${req.method} ${route ?? '/webhooks'}`, {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          ...(route ? { 'http.route': route } : {}),
          ...(provider ? { 'hookstream.provider': provider } : {}),
          'hookstream.request_id': req.id,
        },
        ...(isTraceparent(incoming) ? { links: [incoming] } : {}),
      }),
    );
  });
  app.addHook('onResponse', async (req, reply) => {
    const span = spans.get(req);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    endSpan(span, reply.statusCode >= 500 ? { code: `HTTP_${reply.statusCode}` } : undefined);
  });
  return { of: (req) => spans.get(req) };
}
