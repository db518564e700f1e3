import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '@hookstream/core';
import type { IngressRoute } from '@hookstream/pipeline';
import type { Counter, Histogram } from '@hookstream/observability';
import { BrokerUnavailableError, OverloadedError } from '../errors.js';
import { once, type InflightGate } from '../inflight.js';
import type { EventPublisher } from '../publisher.js';

export interface IngestOptions {
  routes: readonly IngressRoute[];
  publisher: EventPublisher;
  gate: InflightGate;
  now: () => number;
  metrics: { accepted: Counter<string>; produceSeconds: Histogram<string> };
  /** EDGE_MAX_MESSAGE_BYTES: bigger messages are refused (413), never retried against the broker. */
  maxMessageBytes: number;
}

/**
 * Every provider's webhook routes, one way: reserve the body's bytes, let the provider
 * authenticate and validate the raw bytes, make its messages durable (acks=all), answer 2xx.
 * Not wrapped in fastify-plugin on purpose: the raw-Buffer JSON parser must stay in this scope,
 * so that signatures are checked on the exact bytes received and no other route loses its
 * parsed body.
 */
export const ingestRoutes: FastifyPluginAsync<IngestOptions> = async (app, { routes, publisher, gate, now, metrics, maxMessageBytes }) => {
  const limit = Math.max(...routes.map((r) => r.bodyLimitBytes));
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

  for (const route of routes) {
    app.post(route.url, { bodyLimit: route.bodyLimitBytes }, async (req, reply) => {
      const accepted = await route.accept({
        method: req.method,
        url: req.url,
        headers: req.headers,
        params: (req.params ?? {}) as Record<string, string>,
        rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        protocol: req.protocol,
        host: req.host,
        requestId: req.id,
        receivedAt: now(),
      });
      const { messages } = accepted;
      const tooBig = messages.findIndex((m) => m.key.length + m.value.length > maxMessageBytes);
      if (tooBig !== -1)
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          413,
          `event ${tooBig} is larger than Kafka takes (${maxMessageBytes} bytes with its envelope, EDGE_MAX_MESSAGE_BYTES)`,
        );
      // The messages stay in memory until Kafka settles the write, which can outlive a timeout.
      const bytes = messages.reduce((n, m) => n + m.key.length + m.value.length, 0);
      if (!gate.tryAcquire(bytes)) throw new OverloadedError(`the edge holds ${gate.used()} bytes of requests in flight (limit ${gate.limit}); retry later`);
      const release = once(() => gate.release(bytes));
      const stop = metrics.produceSeconds.startTimer();
      try {
        await publisher.publish(accepted.topic, messages, { onSettled: release });
        release();
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'KAFKA_TIMEOUT') release();
        throw new BrokerUnavailableError('events could not be made durable; retry later', { cause: err });
      } finally {
        stop();
      }
      metrics.accepted.inc(messages.length);
      req.log.info({ events: messages.length, ...accepted.logFields }, 'delivery accepted');
      return reply.code(200).send(accepted.answer ?? { accepted: messages.length, requestId: req.id });
    });
  }
};
