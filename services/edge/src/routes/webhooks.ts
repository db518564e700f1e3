import { TextDecoder } from 'node:util';
import type { FastifyPluginAsync } from 'fastify';
import { eventKey, parseWebhookBatch, publicRequestUrl, verifySignature } from '@hookstream/hubspot';
import { encodeEnvelope } from '@hookstream/kafka';
import type { EdgeConfig } from '@hookstream/config';
import type { Counter, Histogram } from '@hookstream/observability';
import { BadRequestError, BrokerUnavailableError, InvalidSignatureError, OverloadedError } from '../errors.js';
import { once, type InflightGate } from '../inflight.js';
import type { EventPublisher } from '../publisher.js';

export interface WebhookRouteOptions {
  config: EdgeConfig;
  publisher: EventPublisher;
  gate: InflightGate;
  now: () => number;
  metrics: { accepted: Counter<string>; produceSeconds: Histogram<string> };
}

// fatal: a body that is not UTF-8 is refused instead of being silently repaired.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * POST /webhooks/hubspot. Not wrapped in fastify-plugin on purpose: the raw-Buffer JSON
 * parser must stay in this scope, so that the signature is checked on the exact bytes
 * HubSpot signed and no other route loses its parsed body.
 */
export const hubspotWebhookRoutes: FastifyPluginAsync<WebhookRouteOptions> = async (app, { config, publisher, gate, now, metrics }) => {
  // Reserve the body's bytes before reading it; over budget, answer 503 without reading.
  app.addHook('onRequest', async (req, reply) => {
    const declared = Number(req.headers['content-length']);
    const bytes = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, config.EDGE_BODY_LIMIT_BYTES) : config.EDGE_BODY_LIMIT_BYTES;
    if (!gate.tryAcquire(bytes)) throw new OverloadedError(`the edge holds ${gate.used()} bytes of requests in flight (limit ${gate.limit}); retry later`);
    // 'close' fires once the response is sent or the connection died, whichever comes first.
    reply.raw.once('close', once(() => gate.release(bytes)));
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: config.EDGE_BODY_LIMIT_BYTES }, (_req, body, done) => done(null, body));

  app.post('/webhooks/hubspot', { bodyLimit: config.EDGE_BODY_LIMIT_BYTES }, async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const url = publicRequestUrl({
      publicUrl: config.PUBLIC_URL,
      trustProxy: config.TRUST_PROXY,
      headers: req.headers,
      protocol: req.protocol,
      host: req.host,
      originalUrl: req.url,
    });
    // Authenticate before parsing: unsigned input never reaches the JSON parser.
    const verdict = verifySignature({
      rawBody: raw,
      method: req.method,
      url,
      headers: req.headers,
      clientSecret: config.HUBSPOT_CLIENT_SECRET,
      nowMs: now(),
    });
    if (!verdict.ok) throw new InvalidSignatureError(verdict.reason);

    let json: unknown;
    try {
      json = JSON.parse(utf8.decode(raw));
    } catch (err) {
      throw new BadRequestError(err instanceof TypeError ? 'body is not valid UTF-8' : 'body is not valid JSON');
    }
    const parsed = parseWebhookBatch(json, { maxEvents: config.EDGE_MAX_EVENTS });
    if (!parsed.ok) throw new BadRequestError(parsed.message);

    const receivedAt = now();
    const messages = parsed.events.map((event) => ({
      key: eventKey(event),
      // No Kafka headers: the envelope already carries provider and requestId, and kafkajs
      // encodes each header with its own buffers (about 15 % of the edge's CPU per event).
      value: encodeEnvelope({ v: 1, provider: 'hubspot', receivedAt, requestId: req.id, signatureVersion: verdict.version, event }),
    }));
    // The envelopes stay in memory until Kafka settles the write, which can outlive a timeout.
    const bytes = messages.reduce((n, m) => n + m.key.length + m.value.length, 0);
    if (!gate.tryAcquire(bytes)) throw new OverloadedError(`the edge holds ${gate.used()} bytes of requests in flight (limit ${gate.limit}); retry later`);
    const release = once(() => gate.release(bytes));
    const stop = metrics.produceSeconds.startTimer();
    try {
      await publisher.publish(messages, { onSettled: release });
      release();
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'KAFKA_TIMEOUT') release();
      throw new BrokerUnavailableError('events could not be made durable; retry later', { cause: err });
    } finally {
      stop();
    }
    metrics.accepted.inc(messages.length);
    req.log.info({ events: messages.length, signatureVersion: verdict.version }, 'delivery accepted');
    return reply.code(200).send({ accepted: messages.length, requestId: req.id });
  });
};
