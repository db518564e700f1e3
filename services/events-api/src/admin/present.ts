import { webhookId, type Attempt, type Delivery, type DeliveryState, type DeliveryStore, type Endpoint, type EndpointFilter } from '@hookstream/deliveries';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** An endpoint as the admin API answers it: never with a secret (creation and rotation add theirs). */
export interface EndpointJson {
  id: string;
  /** `webhook`, or the destination of a provider's action (`meta_capi`, `brevo`). */
  kind: string;
  url: string;
  description: string;
  filter: EndpointFilter;
  /** The destination's settings (Meta's event name, Brevo's template); credentials live in settings, never here. */
  destination: Record<string, unknown> | null;
  /** Delays before each attempt (ms) when the endpoint has its own schedule. */
  retrySchedule: number[] | null;
  rateLimitPerSecond: number | null;
  maxInFlight: number | null;
  ordered: boolean;
  enabled: boolean;
  /** 'config': declared in ENDPOINTS_FILE; 'rules': declared by a provider's rules. Both read-only here except `enabled`. */
  origin: Endpoint['origin'];
  disabledReason: string | null;
  disabledAt: string | null;
  failingSince: string | null;
  /** Only events stored after this ledger id are delivered to it. */
  startAfterEventId: number;
  createdAt: string;
  updatedAt: string;
}

export interface EndpointHealth {
  /** Deliveries per state. */
  deliveries: Record<DeliveryState, number>;
  failingSince: string | null;
  disabledReason: string | null;
  disabledAt: string | null;
}

export interface AttemptJson {
  attempt: number;
  at: string;
  status: number | null;
  latencyMs: number;
  outcome: Attempt['outcome'];
  error: string | null;
  responseSnippet: string | null;
  /** The destination's id for what it accepted (Brevo's messageId, Meta's fbtrace_id); null for webhooks. */
  externalId: string | null;
}

export interface DeliveryJson {
  /** The `webhook-id` every attempt of this delivery carries. */
  webhookId: string;
  endpointId: string;
  eventId: number;
  state: DeliveryState;
  /** Attempts ever made, manual retries included. */
  attemptCount: number;
  /** When the next attempt is due; null once the delivery succeeded or is dead. */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** Every attempt, oldest first. */
  attempts: AttemptJson[];
}

export function endpointJson(e: Endpoint): EndpointJson {
  return {
    id: e.id,
    kind: e.kind,
    url: e.url,
    description: e.description,
    filter: e.filter,
    destination: e.destination,
    retrySchedule: e.retrySchedule,
    rateLimitPerSecond: e.rateLimitPerSecond,
    maxInFlight: e.maxInFlight,
    ordered: e.ordered,
    enabled: e.enabled,
    origin: e.origin,
    disabledReason: e.disabledReason,
    disabledAt: iso(e.disabledAt),
    failingSince: iso(e.failingSince),
    startAfterEventId: e.startAfter,
    createdAt: new Date(e.createdAt).toISOString(),
    updatedAt: new Date(e.updatedAt).toISOString(),
  };
}

export function healthJson(e: Endpoint, counts: Record<DeliveryState, number>): EndpointHealth {
  return { deliveries: counts, failingSince: iso(e.failingSince), disabledReason: e.disabledReason, disabledAt: iso(e.disabledAt) };
}

const attemptJson = (a: Attempt): AttemptJson => ({
  attempt: a.attempt,
  at: new Date(a.startedAt).toISOString(),
  status: a.status,
  latencyMs: a.latencyMs,
  outcome: a.outcome,
  error: a.error,
  responseSnippet: a.responseSnippet,
  externalId: a.externalId ?? null,
});

const key = (endpointId: string, eventId: number): string => `${endpointId}\u0000${eventId}`;

/** Deliveries with their attempts, read in one statement for the whole page. */
export async function deliveriesJson(rows: readonly Delivery[], store: DeliveryStore): Promise<DeliveryJson[]> {
  const attempts = await store.attempts(rows.map((d) => ({ endpointId: d.endpointId, eventId: d.eventId })));
  const byDelivery = new Map<string, AttemptJson[]>();
  for (const a of attempts) {
    const k = key(a.endpointId, a.eventId);
    const list = byDelivery.get(k);
    if (list) list.push(attemptJson(a));
    else byDelivery.set(k, [attemptJson(a)]);
  }
  return rows.map((d) => ({
    webhookId: webhookId(d.eventId, d.endpointId),
    endpointId: d.endpointId,
    eventId: d.eventId,
    state: d.state,
    attemptCount: d.attempts,
    nextAttemptAt: d.state === 'pending' ? iso(d.nextAttemptAt) : null,
    lastAttemptAt: iso(d.lastAttemptAt),
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    createdAt: new Date(d.createdAt).toISOString(),
    updatedAt: new Date(d.updatedAt).toISOString(),
    completedAt: iso(d.completedAt),
    attempts: byDelivery.get(key(d.endpointId, d.eventId)) ?? [],
  }));
}
