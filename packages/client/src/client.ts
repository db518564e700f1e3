import { EventsApiError } from './errors.js';
import type {
  AssociationsPage,
  AssociationsQuery,
  ChangesPage,
  EventsPage,
  LifecycleEntry,
  ListEventsQuery,
  ObjectState,
  StoredEvent,
  SubscriptionTypeStats,
  TimeInput,
  TimelineQuery,
} from './types.js';

export interface EventsClientOptions {
  /** e.g. http://events-api:8081 (a path prefix is kept). */
  baseUrl: string;
  /** One of the server's EVENTS_API_TOKENS. */
  token: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface EventsClient {
  /** One page of events in (occurredAt, id) order. */
  listEvents(q?: ListEventsQuery): Promise<EventsPage>;
  /** One page of the changes feed (ingestion order) after `after` (a previous nextCursor); none = from the beginning. */
  changes(after?: string, limit?: number, opts?: { portalId?: number }): Promise<ChangesPage>;
  /** Latest known state of one object; an EventsApiError with status 404 when there is none. */
  objectState(portalId: number, objectType: string, objectId: number): Promise<ObjectState>;
  /** One page of an object's events in occurredAt order. */
  timeline(portalId: number, objectType: string, objectId: number, q?: TimelineQuery): Promise<EventsPage>;
  /** Every matching event, following cursors page by page. */
  iterateEvents(q?: Omit<ListEventsQuery, 'cursor'>): AsyncIterable<StoredEvent>;
  /** One page of the associations from an object (current ones unless includeRemoved). */
  associations(portalId: number, objectType: string, objectId: number, q?: AssociationsQuery): Promise<AssociationsPage>;
  /** A contact's lifecycle-stage history; an EventsApiError with status 404 for an unknown contact. */
  lifecycle(portalId: number, contactId: number): Promise<LifecycleEntry[]>;
  /** Stored events per subscription type, unknown ones marked. */
  subscriptionTypeStats(q?: { portalId?: number; from?: TimeInput; to?: TimeInput }): Promise<SubscriptionTypeStats>;
}

export function createEventsClient(options: EventsClientOptions): EventsClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function get<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
    const url = new URL(`${base}${path}`);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'GET',
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new EventsApiError(
        0,
        timeout ? 'TIMEOUT' : 'NETWORK_ERROR',
        timeout ? `no answer within ${timeoutMs} ms` : `request failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const e = (body ?? {}) as { code?: unknown; message?: unknown };
      throw new EventsApiError(
        res.status,
        typeof e.code === 'string' ? e.code : `HTTP_${res.status}`,
        typeof e.message === 'string' ? e.message : res.statusText || `HTTP ${res.status}`,
      );
    }
    if (body === undefined) throw new EventsApiError(res.status, 'BAD_RESPONSE', 'the events-api answered without a JSON body');
    return body as T;
  }

  const listParams = (q: ListEventsQuery): Record<string, string | undefined> => ({
    portalId: str(q.portalId),
    objectType: q.objectType,
    objectId: str(q.objectId),
    subscriptionType: q.subscriptionType,
    from: time(q.from),
    to: time(q.to),
    order: q.order,
    limit: str(q.limit),
    cursor: q.cursor,
  });
  const objectPath = (portalId: number, objectType: string, objectId: number): string =>
    `/portals/${encodeURIComponent(String(portalId))}/objects/${encodeURIComponent(objectType)}/${encodeURIComponent(String(objectId))}`;

  const client: EventsClient = {
    listEvents: (q = {}) => get<EventsPage>('/events', listParams(q)),
    changes: (after, limit, opts) => get<ChangesPage>('/events/changes', { after, limit: str(limit), portalId: str(opts?.portalId) }),
    objectState: (portalId, objectType, objectId) => get<ObjectState>(objectPath(portalId, objectType, objectId)),
    timeline: (portalId, objectType, objectId, q = {}) =>
      get<EventsPage>(`${objectPath(portalId, objectType, objectId)}/timeline`, { order: q.order, limit: str(q.limit), cursor: q.cursor }),
    associations: (portalId, objectType, objectId, q = {}) =>
      get<AssociationsPage>(`${objectPath(portalId, objectType, objectId)}/associations`, {
        includeRemoved: q.includeRemoved === undefined ? undefined : String(q.includeRemoved),
        limit: str(q.limit),
        cursor: q.cursor,
      }),
    lifecycle: (portalId, contactId) =>
      get<LifecycleEntry[]>(`/portals/${encodeURIComponent(String(portalId))}/contacts/${encodeURIComponent(String(contactId))}/lifecycle`),
    subscriptionTypeStats: (q = {}) =>
      get<SubscriptionTypeStats>('/stats/subscription-types', { portalId: str(q.portalId), from: time(q.from), to: time(q.to) }),
    iterateEvents(q = {}) {
      return {
        async *[Symbol.asyncIterator]() {
          let cursor: string | undefined;
          do {
            const page = await client.listEvents({ ...q, ...(cursor ? { cursor } : {}) });
            yield* page.events;
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
        },
      };
    },
  };
  return client;
}

function str(v: number | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

function time(v: TimeInput | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}
