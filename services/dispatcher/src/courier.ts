import {
  afterFailure,
  deliveryBody,
  webhookId,
  type AttemptResult,
  type DeliverableEvent,
  type DueDelivery,
  type RetrySchedule,
  type Sender,
  type SendResult,
} from '@hookstream/deliveries';
import { num, parseJson, type DataSource } from '@hookstream/store';
import type { Route } from './routing.js';

/** Builds, signs and sends one attempt, and says what it changes. */
export interface Courier {
  /** The ledger rows of these ids (missing ids are absent from the map). */
  load(ids: readonly number[]): Promise<Map<number, DeliverableEvent>>;
  attempt(route: Route, due: DueDelivery, event: DeliverableEvent | undefined): Promise<{ result: AttemptResult; sent: SendResult | null }>;
}

export function createCourier(d: { dataSource: DataSource; sender: Sender; schedule: RetrySchedule; now?: () => number }): Courier {
  const now = d.now ?? Date.now;
  return {
    async load(ids) {
      if (ids.length === 0) return new Map();
      const rows = (await d.dataSource.query(
        `SELECT id, provider, source, type, occurred_at, received_at, raw FROM events WHERE id IN (${ids.map(() => '?').join(', ')})`,
        [...ids],
      )) as Array<Record<string, unknown>>;
      return new Map(
        rows.map((r) => [
          num(r.id),
          {
            id: num(r.id),
            provider: String(r.provider),
            source: String(r.source),
            type: String(r.type),
            occurredAt: num(r.occurred_at),
            receivedAt: num(r.received_at),
            raw: parseJson(r.raw),
          },
        ]),
      );
    },
    async attempt(route, due, event) {
      const startedAt = now();
      const attempt = due.attempts + 1;
      const base = { endpointId: route.endpoint.id, eventId: due.eventId, attempt, startedAt };
      if (!event || !route.signer) {
        // Nothing to send can ever appear (the event was erased, the secret is unusable): dead at once.
        const error = !event ? 'the event is no longer in the ledger' : 'the endpoint has no usable signing secret';
        return {
          sent: null,
          result: {
            attempt: { ...base, latencyMs: 0, outcome: 'refused', status: null, error, responseSnippet: null },
            state: 'dead',
            roundAttempts: due.roundAttempts + 1,
            nextAttemptAt: startedAt,
          },
        };
      }
      const body = JSON.stringify(deliveryBody(event));
      const headers = route.signer({ msgId: webhookId(event.id, route.endpoint.id), timestampSec: Math.floor(startedAt / 1000), body });
      const sent = await d.sender.send(route.endpoint.url, body, { ...headers });
      const logged = {
        ...base,
        latencyMs: sent.latencyMs,
        outcome: sent.outcome,
        status: sent.status,
        error: sent.error,
        responseSnippet: sent.responseSnippet,
      };
      const end = now();
      if (sent.outcome === 'succeeded')
        return { sent, result: { attempt: logged, state: 'succeeded', roundAttempts: due.roundAttempts + 1, nextAttemptAt: end } };
      // 410 disables the endpoint; the delivery waits, uncounted, for it to be enabled again.
      if (sent.outcome === 'gone') return { sent, result: { attempt: logged, state: 'pending', roundAttempts: due.roundAttempts, nextAttemptAt: end } };
      const round = due.roundAttempts + 1;
      const next = afterFailure(d.schedule, round, sent.retryAfterMs, sent.status);
      return {
        sent,
        result: next.retry
          ? { attempt: logged, state: 'pending', roundAttempts: round, nextAttemptAt: end + next.delayMs }
          : { attempt: logged, state: 'dead', roundAttempts: round, nextAttemptAt: end },
      };
    },
  };
}
