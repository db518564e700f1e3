import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '@hookstream/core';
import type { Accepted, IngressRequest, IngressRoute } from '@hookstream/pipeline';
import { stampTraceparent, type OutboundMessage } from '@hookstream/kafka';
import {
  SpanKind,
  endSpan,
  flatLineLogger,
  traceparentOf,
  type Counter,
  type Histogram,
  type Logger,
  type Span,
  type Tracing,
} from '@hookstream/observability';
import type { ArchiveWrite } from '../archive.js';
import { BrokerUnavailableError, OverloadedError } from '../errors.js';
import { once, type InflightGate } from '../inflight.js';
import type { EventPublisher } from '../publisher.js';
import { requestSpans } from './request-spans.js';

/** A provider's webhook route, with the provider it came from and, when that provider is archived, its archive write. */
export interface HostedRoute {
  provider: string;
  route: IngressRoute;
  archive?: ArchiveWrite;
}

export interface IngestOptions {
  routes: readonly HostedRoute[];
  publisher: EventPublisher;
  gate: InflightGate;
  now: () => number;
  metrics: { accepted: Counter<string>; produceSeconds: Histogram<string> };
  /** EDGE_MAX_MESSAGE_BYTES: bigger messages are refused (413), never retried against the broker. */
  maxMessageBytes: number;
  /** Request and produce spans; the envelopes carry the request span's traceparent (docs/tracing.md). */
  tracing: Tracing;
}

/**
 * Every provider's webhook routes, one way: reserve the body's bytes, let the provider
 * authenticate and validate the raw bytes, make its messages durable (acks=all) and, for an
 * archived provider, archive the raw request, answer 2xx.
 * Not wrapped in fastify-plugin on purpose: the raw-Buffer JSON parser must stay in this scope,
 * so that signatures are checked on the exact bytes received and no other route loses its
 * parsed body.
 */
export const ingestRoutes: FastifyPluginAsync<IngestOptions> = async (app, { routes, publisher, gate, now, metrics, maxMessageBytes, tracing }) => {
  const providerOf = new Map(routes.map((r) => [r.route.url, r.provider]));
  const spans = requestSpans(app, tracing, (url) => (url === undefined ? undefined : providerOf.get(url)));
  const limit = Math.max(...routes.map((r) => r.route.bodyLimitBytes));
  // Reserve the body's bytes before reading it; over budget, answer 503 without reading.
  app.addHook('onRequest', async (req, reply) => {
    const declared = Number(req.headers['content-length']);
    const bytes = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, limit) : limit;
    if (!gate.tryAcquire(bytes)) throw new OverloadedError(`the edge holds ${gate.used()} bytes of requests in flight (limit ${gate.limit}); retry later`);
    // 'close' fires once the response is sent or the connection died, whichever comes first.
    reply.raw.once(
      'close',
      once(() => gate.release(bytes)),
    );
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));

  const publish = durablePublish(publisher, metrics.produceSeconds, tracing);
  // The one line per delivery: flat fields, so without pino's costly wildcard redaction (see flatLineLogger).
  const acceptedLog = flatLineLogger(app.log as Logger);
  for (const { provider, route, archive } of routes) {
    app.post(route.url, { bodyLimit: route.bodyLimitBytes }, async (req, reply) => {
      const request: IngressRequest = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        params: (req.params ?? {}) as Record<string, string>,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        protocol: req.protocol,
        host: req.host,
        requestId: req.id,
        receivedAt: now(),
      };
      const span = spans.of(req);
      span?.setAttribute('hookstream.source', request.params.source ?? provider);
      // A refusal throws here: nothing of a refused request is produced or archived.
      const accepted = traced(await route.accept(request), span);
      const { messages } = accepted;
      assertProducible(messages, maxMessageBytes);
      // Before either write starts: a request turned away for memory is neither produced nor archived.
      const release = reserve(gate, messages);
      // Kafka and the archive at once, answered only when both are durable: an accepted event
      // always has its archive record. When only the archive fails, Kafka may hold the events
      // already and the sender's retry (503) produces them again; the processors store an event
      // once by its idempotency key, so the copy is harmless. When only Kafka fails, the archive
      // holds a request that was not accepted, which is allowed.
      const [published, archived] = await Promise.allSettled([publish(accepted, release, span), archive?.(request, accepted.source ?? provider)]);
      if (published.status === 'rejected') throw published.reason;
      if (archived.status === 'rejected') throw archived.reason;
      metrics.accepted.inc(messages.length);
      acceptedLog.info({ reqId: req.id, events: messages.length, ...(archive ? { archived: true } : {}), ...accepted.logFields }, 'delivery accepted');
      return reply.code(200).send(accepted.answer ?? { accepted: messages.length, requestId: req.id });
    });
  }
};

/** The accepted messages carrying the request span's traceparent (unchanged when tracing is off). */
function traced(accepted: Accepted, span: Span | undefined): Accepted {
  const traceparent = span && traceparentOf(span);
  if (!span || !traceparent) return accepted;
  if (accepted.source) span.setAttribute('hookstream.source', accepted.source);
  span.setAttribute('hookstream.events', accepted.messages.length);
  const messages = accepted.messages.map((m): OutboundMessage => ({ ...m, value: stampTraceparent(m.value, traceparent) }));
  return { ...accepted, messages };
}

/** 413 for an event larger than Kafka takes: a broker refusal would be answered 503 and retried forever. */
function assertProducible(messages: Accepted['messages'], maxMessageBytes: number): void {
  const tooBig = messages.findIndex((m) => m.key.length + m.value.length > maxMessageBytes);
  if (tooBig !== -1)
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      413,
      `event ${tooBig} is larger than Kafka takes (${maxMessageBytes} bytes with its envelope, EDGE_MAX_MESSAGE_BYTES)`,
    );
}

/** The messages stay in memory until Kafka settles the write, which can outlive a timeout: their bytes are held until then. */
function reserve(gate: InflightGate, messages: Accepted['messages']): () => void {
  const bytes = messages.reduce((n, m) => n + m.key.length + m.value.length, 0);
  if (!gate.tryAcquire(bytes)) throw new OverloadedError(`the edge holds ${gate.used()} bytes of requests in flight (limit ${gate.limit}); retry later`);
  return once(() => gate.release(bytes));
}

/** Makes one request's messages durable (acks=all); `release` frees their reserved bytes once Kafka settled the write. */
function durablePublish(
  publisher: EventPublisher,
  produceSeconds: Histogram<string>,
  tracing: Tracing,
): (accepted: Accepted, release: () => void, parent: Span | undefined) => Promise<void> {
  return async ({ topic, messages }, release, parent) => {
    const stop = produceSeconds.startTimer();
    const span = parent
      ? tracing.startSpan(`send ${topic}`, {
          kind: SpanKind.PRODUCER,
          parent,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'send',
            'messaging.destination.name': topic,
            'messaging.batch.message_count': messages.length,
          },
        })
      : undefined;
    try {
      await publisher.publish(topic, messages, { onSettled: release });
      release();
      if (span) endSpan(span);
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'KAFKA_TIMEOUT') release();
      if (span) endSpan(span, err);
      throw new BrokerUnavailableError('events could not be made durable; retry later', { cause: err });
    } finally {
      stop();
    }
  };
}
