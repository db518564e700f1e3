import { AppError } from '@hookstream/core';
import { encodeEnvelope } from '@hookstream/kafka';
import { UNKNOWN_SOURCE, type Accepted, type IngressRequest, type IngressRoute, type WebhookMetrics } from '@hookstream/pipeline';
import type { LocationSource } from '../config/load.js';
import { LOCATION_PATH } from '../constants.js';
import { userKafkaKey } from '../keys.js';
import { locationEnvelope } from './envelope.js';
import { badRequest, invalidCredentials, sourceNotFound, validationFailed } from './errors.js';
import { normaliseBody } from './normalise.js';

export interface LocationRouteOptions {
  sources: readonly LocationSource[];
  topic: string;
  bodyLimitBytes: number;
  metrics: WebhookMetrics;
  now: () => number;
}

/**
 * POST /webhooks/location/:source: the entry's credentials on the raw request (constant time),
 * then the body in either shape, normalised; one message per event, keyed by its user. Any bad
 * field refuses the whole request (422) and nothing is produced.
 */
export function locationIngress(opts: LocationRouteOptions): IngressRoute {
  const byName = new Map(opts.sources.map((s) => [s.name, s]));
  return {
    url: LOCATION_PATH,
    bodyLimitBytes: opts.bodyLimitBytes,
    accept(req) {
      const source = byName.get(req.params.source ?? '');
      if (!source) {
        opts.metrics.refused(UNKNOWN_SOURCE, 'SOURCE_NOT_FOUND');
        throw sourceNotFound(req.params.source ?? '');
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

function acceptFor(source: LocationSource, req: IngressRequest, opts: LocationRouteOptions): Accepted {
  const verdict = source.verify({ headers: req.headers, rawBody: req.rawBody, nowMs: opts.now() });
  if (!verdict.ok) throw invalidCredentials(verdict.reason);
  const parsed = normaliseBody(parseJson(req.rawBody), req.receivedAt);
  if (!parsed.ok) throw validationFailed(parsed.errors);
  const { events, shape } = parsed.value;
  return {
    topic: opts.topic,
    source: source.name,
    messages: events.map(({ event, raw }) => ({
      key: userKafkaKey(source.name, event.userId),
      value: encodeEnvelope(locationEnvelope(source.name, verdict.method, req, event, raw)),
    })),
    // Ids and types only: positions are personal data and never reach a log line.
    logFields: { source: source.name, auth: verdict.method, shape, types: [...new Set(events.map((e) => e.event.type))] },
  };
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('the body is not JSON');
  }
}
