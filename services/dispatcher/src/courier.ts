import {
  afterFailure,
  createDeliverableEvents,
  webhookId,
  type AttemptResult,
  type DeliverableEvent,
  type DeliveryItem,
  type Destination,
  type DueDelivery,
  type ItemResult,
  type RetrySchedule,
  type Sender,
} from '@hookstream/deliveries';
import { SpanKind, disabledTracing, endSpan, traceparentOf, type Tracing } from '@hookstream/observability';
import type { DataSource } from '@hookstream/store';
import type { Route } from './routing.js';

/** Sends one request's worth of deliveries through the endpoint's destination, and says what each attempt changes. */
export interface Courier {
  /** The ledger rows of these ids (missing ids are absent from the map). */
  load(ids: readonly number[]): Promise<Map<number, DeliverableEvent>>;
  /** The destination of an endpoint, or undefined when this dispatcher cannot send to its kind (its settings are missing). */
  destinationOf(route: Route): Destination | undefined;
  /** One result per delivery, in order. */
  attempt(route: Route, dues: readonly DueDelivery[], events: ReadonlyMap<number, DeliverableEvent>): Promise<AttemptResult[]>;
}

export interface CourierDeps {
  dataSource: DataSource;
  sender: Sender;
  /** The dispatcher's schedule; an endpoint's own overrides it. */
  schedule: RetrySchedule;
  destinations: ReadonlyMap<string, Destination>;
  now?: () => number;
  /** A span per request sent (docs/tracing.md); absent: tracing off. */
  tracing?: Tracing;
}

export function createCourier(d: CourierDeps): Courier {
  const now = d.now ?? Date.now;
  const events = createDeliverableEvents(d.dataSource);
  const send = tracedSend(d.tracing ?? disabledTracing);
  const decide = (route: Route, due: DueDelivery, r: ItemResult, startedAt: number, end: number): AttemptResult => {
    const attempt = {
      endpointId: route.endpoint.id,
      eventId: due.eventId,
      attempt: due.attempts + 1,
      startedAt,
      latencyMs: r.latencyMs,
      outcome: r.outcome,
      status: r.status,
      error: r.error,
      responseSnippet: r.responseSnippet,
      externalId: r.externalId ?? null,
    };
    if (r.outcome === 'succeeded') return { attempt, state: 'succeeded', roundAttempts: due.roundAttempts + 1, nextAttemptAt: end };
    // 410 disables the endpoint; the delivery waits, uncounted, for it to be enabled again.
    if (r.outcome === 'gone') return { attempt, state: 'pending', roundAttempts: due.roundAttempts, nextAttemptAt: end };
    const round = due.roundAttempts + 1;
    if (r.final) return { attempt, state: 'dead', roundAttempts: round, nextAttemptAt: end };
    const next = afterFailure(route.endpoint.retrySchedule ?? d.schedule, round, r.retryAfterMs ?? null, r.status);
    return next.retry
      ? { attempt, state: 'pending', roundAttempts: round, nextAttemptAt: end + next.delayMs }
      : { attempt, state: 'dead', roundAttempts: round, nextAttemptAt: end };
  };

  return {
    load: (ids) => events.byIds(ids),
    destinationOf: (route) => d.destinations.get(route.endpoint.kind),
    async attempt(route, dues, loaded) {
      const startedAt = now();
      const destination = d.destinations.get(route.endpoint.kind);
      const results = new Map<number, ItemResult>();
      const items: DeliveryItem[] = [];
      for (const due of dues) {
        const event = loaded.get(due.eventId);
        // Nothing to send can ever appear (the event was erased): dead at once.
        if (!event) results.set(due.eventId, refused('the event is no longer in the ledger'));
        else if (!destination) results.set(due.eventId, refused(`this dispatcher has no "${route.endpoint.kind}" destination`, false));
        else items.push({ eventId: due.eventId, event, deliveryId: webhookId(due.eventId, route.endpoint.id), attempt: due.attempts + 1 });
      }
      if (destination && items.length > 0) {
        const sent = await send(destination, items, { endpoint: route.endpoint, signer: route.signer, sender: d.sender, now });
        items.forEach((item, i) => results.set(item.eventId, sent[i] ?? refused('the destination answered no result for this delivery', false)));
      }
      const end = now();
      return dues.map((due) => decide(route, due, results.get(due.eventId) ?? refused('not sent', false), startedAt, end));
    },
  };
}

type Send = (destination: Destination, items: readonly DeliveryItem[], ctx: Parameters<Destination['send']>[1]) => Promise<ItemResult[]>;

/**
 * One request to a destination as a client span, `deliver <kind>`. It continues the event's
 * trace: the ledger row keeps the edge request's traceparent, and a request carrying one event
 * (every webhook) is that request's child; a batch (Meta: many events per request) starts its
 * own trace and links to each event's. Its traceparent goes out with the request.
 */
function tracedSend(tracing: Tracing): Send {
  if (!tracing.enabled) return (destination, items, ctx) => destination.send(items, ctx);
  return async (destination, items, ctx) => {
    const [first] = items;
    const traces = items.flatMap((i) => (i.event.traceparent ? [i.event.traceparent] : []));
    const single = items.length === 1 ? first?.event.traceparent : undefined;
    const span = tracing.startSpan(`deliver ${destination.kind}`, {
      kind: SpanKind.CLIENT,
      ...(single ? { parent: single } : { links: traces }),
      attributes: {
        'hookstream.endpoint_id': ctx.endpoint.id,
        'hookstream.destination': destination.kind,
        'hookstream.deliveries': items.length,
        ...(first && items.length === 1 ? { 'hookstream.event_id': first.eventId, 'hookstream.attempt': first.attempt } : {}),
      },
    });
    const traceparent = traceparentOf(span);
    try {
      const results = await destination.send(items, traceparent ? { ...ctx, traceparent } : ctx);
      const failed = results.find((r) => r.outcome !== 'succeeded');
      const [one] = results;
      if (one && results.length === 1 && one.status !== null) span.setAttribute('http.response.status_code', one.status);
      span.setAttribute('hookstream.outcome', failed?.outcome ?? 'succeeded');
      endSpan(span, failed ? { code: failed.outcome } : undefined);
      return results;
    } catch (err) {
      endSpan(span, err);
      throw err;
    }
  };
}

const refused = (error: string, final = true): ItemResult => ({ outcome: 'refused', status: null, error, responseSnippet: null, latencyMs: 0, final });
