/**
 * How the fake answers, switchable at runtime:
 * - `ok`: validates and accepts, as Meta does;
 * - `down`: `503` answers a Graph-style "service unavailable" (code 2, HTTP 503); `reset`
 *   destroys each connection without an answer (the client sees a network error);
 * - `slow`: answers as `ok` after `ms`;
 * - `rateLimit`: HTTP 400 with code 4 ("Application request limit reached") or 17 ("User
 *   request limit reached"). Meta does not document the status per code; 400 is what its
 *   Graph errors use elsewhere, so the fake picks 400 (a client must classify by code anyway);
 * - `invalidToken`: every token is refused with code 190 (expired session, subcode 463);
 * - `error`: any Graph error, e.g. code 1 or 2 (temporary) or a 500.
 */
export type FakeMetaMode =
  | { kind: 'ok' }
  | { kind: 'down'; how?: '503' | 'reset' }
  | { kind: 'slow'; ms: number }
  | { kind: 'rateLimit'; code?: 4 | 17 }
  | { kind: 'invalidToken' }
  | { kind: 'error'; status: number; code: number; subcode?: number; type?: string; message?: string };

export interface FakeMetaOptions {
  /** @default 0 (OS-assigned) */
  port?: number;
  /** The one token accepted. @default 'fake-meta-token' */
  accessToken?: string;
  /** Only this pixel exists (others answer code 100/33); any pixel when unset. */
  pixelId?: string;
  /** When set, appsecret_proof = hex(HMAC-SHA256(appSecret, token)) is required. */
  appSecret?: string;
  /** Clock for the 7-day window, in ms. @default Date.now */
  now?: () => number;
  /**
   * An extra rule per event, for what Meta checks and a client cannot (an unknown currency, a
   * value out of range): a message refuses the whole batch with code 100, like any invalid event.
   */
  rejectEvent?: (event: Record<string, unknown>) => string | null;
}

/** One request as the fake saw it (the token itself is never kept). */
export interface FakeMetaCall {
  version: string;
  pixelId: string;
  /** `json`, `form` (urlencoded) or `multipart` (curl -F). */
  encoding: 'json' | 'form' | 'multipart' | 'other';
  /** Where the token came from, so a client can be held to sending it outside the URL. */
  tokenIn: 'body' | 'query' | 'none';
  /** The events of `data` as parsed (empty when `data` was unreadable). */
  events: unknown[];
  testEventCode: string | null;
  status: number;
  /** The Graph error code answered, null on success. */
  code: number | null;
  at: number;
}

/** An accepted event, once per event_id, with how often Meta received it. */
export interface FakeMetaEvent {
  eventId: string;
  event: Record<string, unknown>;
  count: number;
  testEventCode: string | null;
  firstAt: number;
}

export interface FakeMeta {
  /** Base URL, e.g. http://127.0.0.1:54321: pass as META_GRAPH_URL. */
  url: string;
  accessToken: string;
  /** The answer mode from now on. */
  setMode(mode: FakeMetaMode): void;
  /** Answers the next `count` requests in `mode`, then falls back to the current mode. */
  failNext(count: number, mode: FakeMetaMode): void;
  readonly mode: FakeMetaMode;
  readonly calls: readonly FakeMetaCall[];
  /** Accepted events by event_id. */
  readonly events: ReadonlyMap<string, FakeMetaEvent>;
  /** How often an event_id was accepted (0 when never). */
  received(eventId: string): number;
  /** Forgets calls and events (not the mode). */
  reset(): void;
  close(): Promise<void>;
}
