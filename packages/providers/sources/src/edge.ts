import { AppError } from '@hookstream/core';
import { encodeEnvelope, type LedgerEnvelope } from '@hookstream/kafka';
import type { EdgePart, IngressRoute } from '@hookstream/pipeline';
import type { CompiledSource } from './compile.js';
import { PROVIDER } from './compile.js';
import { parseDelivery } from './delivery.js';
import type { SourceEvent } from './source-event.js';

export const SOURCES_PATH = '/webhooks/sources/:source';

/**
 * POST /webhooks/sources/:source: the source's credentials (constant time), then every event
 * against its type's compiled schema; the request is refused whole if one event fails.
 */
export function sourcesIngress(sources: readonly CompiledSource[], topic: string, bodyLimitBytes: number, now: () => number): IngressRoute {
  const byName = new Map(sources.map((s) => [s.name, s]));
  return {
    url: SOURCES_PATH,
    bodyLimitBytes,
    accept(req) {
      const name = req.params.source ?? '';
      const source = byName.get(name);
      if (!source) throw new AppError('SOURCE_NOT_FOUND', 404, `no source named "${name.slice(0, 64)}"`);
      const verdict = source.verify({ headers: req.headers, rawBody: req.rawBody, nowMs: now() });
      if (!verdict.ok) throw new AppError('INVALID_CREDENTIALS', 401, verdict.reason);
      const events = parseDelivery(source, { rawBody: req.rawBody, headers: req.headers, receivedAt: req.receivedAt });
      return {
        topic,
        messages: events.map((e) => ({ key: kafkaKey(source.name, e), value: encodeEnvelope(envelopeOf(source.name, verdict.method, req, e)) })),
        logFields: { source: source.name, auth: verdict.method },
      };
    },
  };
}

/** One subject's events stay in order on one partition; without a subject, spread by event. */
const kafkaKey = (source: string, e: SourceEvent): string => `${source}:${e.subject ?? e.tenant ?? e.idempotencyKey}`;

function envelopeOf(source: string, auth: string, req: { receivedAt: number; requestId: string }, e: SourceEvent): LedgerEnvelope {
  return {
    v: 2,
    provider: PROVIDER,
    source,
    receivedAt: req.receivedAt,
    requestId: req.requestId,
    auth,
    type: e.type,
    eventId: e.eventId,
    idempotencyKey: e.idempotencyKey,
    occurredAt: e.occurredAt,
    tenant: e.tenant,
    subject: e.subject,
    event: e.data,
  };
}

export function sourcesEdgePart(sources: readonly CompiledSource[], topic: string, bodyLimitBytes: number, now: () => number): EdgePart {
  return {
    routes: [sourcesIngress(sources, topic, bodyLimitBytes, now)],
    topics: [topic],
    describe: (publicUrl) => ({ sources: sources.map((s) => `${(publicUrl ?? '').replace(/\/$/, '')}/webhooks/sources/${s.name}`) }),
  };
}
