import { Counter, type Registry } from '@hookstream/observability';

/** The source label of a request to a name no entry declares: the URL's text would be unbounded cardinality. */
export const UNKNOWN_SOURCE = '(unknown)';

export interface WebhookMetrics {
  /** A request reached a declared source (before authentication). */
  received(source: string): void;
  /** A request was refused; `reason` is the refusal's code (INVALID_CREDENTIALS, VALIDATION_FAILED, …). */
  refused(source: string, reason: string): void;
}

/**
 * Per provider, source and reason, beside the edge's own per-route, per-status counter. Every
 * provider counts into the same two series (the registry holds one of each); whether Kafka then
 * acknowledged is the edge's hookstream_edge_events_accepted_total and its 503s.
 */
export function createWebhookMetrics(registry: Registry, provider: string): WebhookMetrics {
  const counter = (name: string, help: string, labelNames: string[]) =>
    (registry.getSingleMetric(name) as Counter<string> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
  const received = counter('hookstream_edge_webhooks_received_total', 'Webhook requests that named a declared source', ['provider', 'source']);
  const refused = counter('hookstream_edge_webhooks_refused_total', 'Webhook requests refused, by reason (the error code)', ['provider', 'source', 'reason']);
  return {
    received: (source) => received.inc({ provider, source }),
    refused: (source, reason) => refused.inc({ provider, source, reason }),
  };
}
