import { AppError } from '@hookstream/core';
import { encodeEnvelope, type LedgerEnvelope } from '@hookstream/kafka';
import { UNKNOWN_SOURCE, type Accepted, type IngressRequest, type IngressRoute, type WebhookMetrics } from '@hookstream/pipeline';
import type { CrmSource } from '../config/load.js';
import { CRM_PATH, PROVIDER } from '../constants.js';
import { dealEventKey, dealKafkaKey } from '../deal-keys.js';
import { invalidCredentials, sourceNotFound } from './errors.js';

import { parseDealRequest, type DealRequest } from './parse-request.js';

export interface CrmRouteOptions {
  sources: readonly CrmSource[];
  topic: string;
  bodyLimitBytes: number;
  metrics: WebhookMetrics;
  now: () => number;
}

/**
 * POST /api/v1/webhook/:provider: the named entry's credentials (constant time, on the raw
 * bytes, before anything is parsed), then x-event and the body. One message per webhook; the
 * edge answers 2xx only once Kafka acknowledged it.
 */
export function crmIngress(opts: CrmRouteOptions): IngressRoute {
  const byName = new Map(opts.sources.map((s) => [s.name, s]));
  return {
    url: CRM_PATH,
    bodyLimitBytes: opts.bodyLimitBytes,
    accept(req) {
      const source = byName.get(req.params.provider ?? '');
      if (!source) {
        opts.metrics.refused(UNKNOWN_SOURCE, 'SOURCE_NOT_FOUND');
        throw sourceNotFound(req.params.provider ?? '');
      }
      opts.metrics.received(source.name);
      try {
        return acceptFor(source, req, opts);
      } catch (err) {
        if (err instanceof AppError) opts.metrics.refused(source.name, err.code);
        throw err;
      }
    },
  };
}

function acceptFor(source: CrmSource, req: IngressRequest, opts: CrmRouteOptions): Accepted {
  const verdict = source.verify({ headers: req.headers, rawBody: req.rawBody, nowMs: opts.now() });
  if (!verdict.ok) throw invalidCredentials(verdict.reason);
  const deal = parseDealRequest(req.rawBody, req.headers);
  const envelope = envelopeOf(source.name, verdict.method, req, deal);
  return {
    topic: opts.topic,
    messages: [{ key: dealKafkaKey(source.name, deal.deal.dealId), value: encodeEnvelope(envelope) }],
    // Ids and the status only: the customer's name, e-mail and phone never reach a log line.
    logFields: { source: source.name, auth: verdict.method, event: deal.type, dealId: deal.deal.dealId, status: deal.deal.dealDetails.status },
  };
}

function envelopeOf(source: string, auth: string, req: IngressRequest, r: DealRequest): LedgerEnvelope {
  const key = dealEventKey(r.deal.dealId, r.deal.dealDetails.status);
  return {
    v: 2,
    provider: PROVIDER,
    source,
    receivedAt: req.receivedAt,
    requestId: req.requestId,
    auth,
    type: r.type,
    eventId: key,
    idempotencyKey: key,
    // The payload carries no time of its own.
    occurredAt: req.receivedAt,
    tenant: null,
    subject: r.deal.dealId,
    event: r.body,
  };
}
