import type { Endpoint } from './model/endpoint.js';
import type { DeliverableEvent } from './model/payload.js';
import type { SendResult, Sender } from './send/http-sender.js';
import type { Signer } from './sign.js';
import type { AttemptOutcome } from './store/rows.js';

/** One delivery in a request: its ledger event, its stable id, and which attempt this is. */
export interface DeliveryItem {
  eventId: number;
  event: DeliverableEvent;
  /** Stable across attempts and resends of this (event, endpoint): the webhook-id, Meta's event_id seed, Brevo's idempotency seed. */
  deliveryId: string;
  /** 1 for the first attempt ever. */
  attempt: number;
}

/** How one delivery of a request went. */
export interface ItemResult {
  outcome: AttemptOutcome;
  status: number | null;
  error: string | null;
  /** The start of the answer (or the part of it about this item), for the delivery log. */
  responseSnippet: string | null;
  latencyMs: number;
  /** Never retry: dead now (a refusal that cannot change, an event too old for the destination). */
  final?: boolean;
  /** Wait at least this long before the next attempt (Retry-After, x-sib-ratelimit-reset). */
  retryAfterMs?: number | null;
  /** The destination's id for what it accepted (Brevo's messageId, Meta's fbtrace_id), kept with the attempt. */
  externalId?: string | null;
}

/** What a destination may use to send: the endpoint row, its signer, the guarded HTTP client. */
export interface DestinationContext {
  endpoint: Endpoint;
  signer: Signer | null;
  sender: Sender;
  now(): number;
  /** The W3C traceparent of this attempt's span (tracing on): a webhook sends it as the `traceparent` header. */
  traceparent?: string;
}

/**
 * Where deliveries go and how: a client's webhook URL (Standard Webhooks), Meta's Conversions
 * API, Brevo's e-mail API. The engine — fan-out, lanes, retries, the log — is the same for
 * all; a destination only turns items into requests and answers into per-item results.
 */
export interface Destination {
  readonly kind: string;
  /** Items one request may carry (a webhook: 1; Meta: up to 1,000 events per request). */
  readonly maxBatch: number;
  /** Checks an endpoint's `destination` settings when it is created or loaded; throws an AppError when they are unusable. */
  validate?(config: unknown): void;
  /** Sends the items; answers one result per item, in the same order. Never throws for a refusal: that is a result. */
  send(items: readonly DeliveryItem[], ctx: DestinationContext): Promise<ItemResult[]>;
}

/** The result of one HTTP exchange, as every item of the request sees it. */
export function itemResultOf(sent: SendResult): ItemResult {
  return {
    outcome: sent.outcome,
    status: sent.status,
    error: sent.error,
    responseSnippet: sent.responseSnippet,
    latencyMs: sent.latencyMs,
    retryAfterMs: sent.retryAfterMs,
  };
}
