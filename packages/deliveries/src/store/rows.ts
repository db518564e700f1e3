import { num, numOrNull, parseJson, strOrNull } from '@hookstream/store';
import type { Endpoint, EndpointOrigin } from '../model/endpoint.js';
import type { EndpointFilter } from '../model/filter.js';

export const ENDPOINT_COLUMNS =
  'id, kind, url, description, filter, destination, retry_schedule, rate_limit_per_second, max_in_flight, ordered, enabled, disabled_reason, disabled_at, failing_since, origin, start_after, created_at, updated_at';

export function endpointFromRow(r: Record<string, unknown>): Endpoint {
  return {
    id: String(r.id),
    kind: String(r.kind ?? 'webhook'),
    url: String(r.url),
    description: String(r.description),
    filter: (parseJson(r.filter) ?? {}) as EndpointFilter,
    destination: (parseJson(r.destination) ?? null) as Record<string, unknown> | null,
    retrySchedule: r.retry_schedule === null || r.retry_schedule === undefined ? null : String(r.retry_schedule).split(',').map(Number),
    rateLimitPerSecond: numOrNull(r.rate_limit_per_second),
    maxInFlight: numOrNull(r.max_in_flight),
    ordered: Number(r.ordered) === 1,
    enabled: Number(r.enabled) === 1,
    disabledReason: strOrNull(r.disabled_reason),
    disabledAt: numOrNull(r.disabled_at),
    failingSince: numOrNull(r.failing_since),
    origin: String(r.origin) as EndpointOrigin,
    startAfter: num(r.start_after),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

/** A delivery's state: waiting for an attempt (first or retry), delivered, or out of attempts. */
export type DeliveryState = 'pending' | 'succeeded' | 'dead';
export const DELIVERY_STATES: readonly DeliveryState[] = ['pending', 'succeeded', 'dead'];

export interface Delivery {
  endpointId: string;
  eventId: number;
  state: DeliveryState;
  /** Attempts ever made, manual retries included. */
  attempts: number;
  /** Attempts in the current round of the schedule (a manual retry starts a new round). */
  roundAttempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
}

export const DELIVERY_COLUMNS =
  'endpoint_id, event_id, state, attempts, round_attempts, next_attempt_at, last_attempt_at, last_status, last_error, created_at, updated_at, completed_at';

export function deliveryFromRow(r: Record<string, unknown>): Delivery {
  return {
    endpointId: String(r.endpoint_id),
    eventId: num(r.event_id),
    state: String(r.state) as DeliveryState,
    attempts: num(r.attempts),
    roundAttempts: num(r.round_attempts),
    nextAttemptAt: num(r.next_attempt_at),
    lastAttemptAt: numOrNull(r.last_attempt_at),
    lastStatus: numOrNull(r.last_status),
    lastError: strOrNull(r.last_error),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
    completedAt: numOrNull(r.completed_at),
  };
}

/** How one attempt ended. */
export type AttemptOutcome = 'succeeded' | 'failed' | 'timeout' | 'network' | 'refused' | 'gone';

export interface Attempt {
  endpointId: string;
  eventId: number;
  attempt: number;
  startedAt: number;
  latencyMs: number;
  outcome: AttemptOutcome;
  status: number | null;
  error: string | null;
  responseSnippet: string | null;
  /** The destination's id for what it accepted (Brevo's messageId). */
  externalId?: string | null;
}

export function attemptFromRow(r: Record<string, unknown>): Attempt {
  return {
    endpointId: String(r.endpoint_id),
    eventId: num(r.event_id),
    attempt: num(r.attempt),
    startedAt: num(r.started_at),
    latencyMs: num(r.latency_ms),
    outcome: String(r.outcome) as AttemptOutcome,
    status: numOrNull(r.status),
    error: strOrNull(r.error),
    responseSnippet: strOrNull(r.response_snippet),
    externalId: strOrNull(r.external_id),
  };
}
