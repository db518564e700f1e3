/**
 * The console's calls to events-api: same origin, `Authorization: Bearer <token>`, JSON in and
 * out. Errors carry the API's `{code, message}`; a 401 signs the session out (see session.tsx).
 */
import { changesCursorAfter } from './cursor';

export { changesCursorAfter };

const TOKEN_KEY = 'hookstream.console.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** What a failed call means to an operator, in one sentence. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return `Outside this token's scope: ${err.message}`;
    if (err.status === 0) return `events-api did not answer: ${err.message}`;
    return `${err.message} (${err.status} ${err.code})`;
  }
  return err instanceof Error ? err.message : String(err);
}

type Query = Record<string, string | number | undefined>;

let onUnauthorized: (message: string) => void = () => undefined;

/** Registered by the session: a 401 on any call ends it with this message. */
export function setUnauthorizedHandler(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

export async function call<T>(method: string, path: string, opts: { query?: Query; body?: unknown; token?: string } = {}): Promise<T> {
  const token = opts.token ?? storedToken();
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  } catch (err) {
    throw new ApiError(0, 'NETWORK_ERROR', err instanceof Error ? err.message : String(err));
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
    const err = new ApiError(
      res.status,
      typeof e.code === 'string' ? e.code : `HTTP_${res.status}`,
      typeof e.message === 'string' ? e.message : res.statusText || `HTTP ${res.status}`,
    );
    // Sign-in checks its candidate token itself (opts.token); a stored token that stops working ends the session.
    if (res.status === 401 && opts.token === undefined) onUnauthorized('The token was refused (401): sign in again.');
    throw err;
  }
  return body as T;
}

/** One ledger row as GET /events answers it: common fields of every provider, plus the provider's own. */
export interface EventRow {
  id: number;
  provider: string;
  source?: string | null;
  tenant?: string | null;
  type?: string | null;
  subject?: string | null;
  eventId?: string | number;
  idempotencyKey?: string;
  occurredAt: number;
  receivedAt?: number;
  processedAt?: number;
  requestId?: string | null;
  raw?: unknown;
  enrichment?: { state: string; attempts: number; error: string | null; nextAttemptAt: number | null; enrichedAt: number | null };
  [field: string]: unknown;
}

export interface EventsPage {
  events: EventRow[];
  nextCursor: string | null;
}

export interface ChangesPage {
  events: EventRow[];
  nextCursor: string;
}

export interface Endpoint {
  id: string;
  kind: string;
  url: string;
  description: string;
  enabled: boolean;
  origin: string;
  ordered: boolean;
  disabledReason: string | null;
  disabledAt: string | null;
  failingSince: string | null;
  createdAt: string;
  filter: Record<string, unknown>;
}

export interface EndpointHealth {
  deliveries: { pending: number; succeeded: number; dead: number };
  failingSince: string | null;
  disabledReason: string | null;
  disabledAt: string | null;
}

export interface Attempt {
  attempt: number;
  at: string;
  status: number | null;
  latencyMs: number;
  outcome: string;
  error: string | null;
  responseSnippet: string | null;
  externalId: string | null;
}

export interface Delivery {
  webhookId: string;
  endpointId: string;
  eventId: number;
  state: 'pending' | 'succeeded' | 'dead';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  attempts: Attempt[];
}

/** Events the console has seen in a list, by ledger id, so opening one needs no second read. */
export const seenEvents = new Map<number, EventRow>();

export async function readEvent(id: number): Promise<EventRow | null> {
  const seen = seenEvents.get(id);
  if (seen) return seen;
  const page = await call<ChangesPage>('GET', '/events/changes', { query: { after: changesCursorAfter(id - 1), limit: 1 } });
  const row = page.events[0];
  if (!row || row.id !== id) return null;
  seenEvents.set(id, row);
  return row;
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

export interface DeliveriesPage {
  deliveries: Delivery[];
  next: string | null;
}
