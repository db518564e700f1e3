/** Webhooks v3 API (per app, developer API key): target URL, throttling and event subscriptions. */

export interface WebhookSettings {
  targetUrl: string;
  throttling: { maxConcurrentRequests: number; period?: string };
  createdAt?: string;
  updatedAt?: string;
}

export interface WebhookSubscription {
  id: string;
  eventType: string;
  propertyName?: string;
  objectTypeId?: string;
  active: boolean;
  createdAt?: string;
  updatedAt?: string;
}

export interface SubscriptionInput {
  eventType: string;
  propertyName?: string;
  objectTypeId?: string;
}

export interface WebhooksApiClientOptions {
  /** e.g. https://api.hubapi.com */
  baseUrl: string;
  appId: number;
  /** Sent as `?hapikey=` (the legacy developer API key); never logged. */
  developerApiKey: string;
  /** @default 10_000 */
  timeoutMs?: number;
}

export interface WebhooksApiClient {
  /** undefined when the app has no webhook settings yet (404). */
  getSettings(): Promise<WebhookSettings | undefined>;
  putSettings(settings: { targetUrl: string; throttling: { maxConcurrentRequests: number; period?: string } }): Promise<WebhookSettings>;
  listSubscriptions(): Promise<WebhookSubscription[]>;
  /** Throws WebhookSubscriptionExistsError (with the existing id when HubSpot names it) on a duplicate. */
  createSubscription(input: SubscriptionInput & { active: boolean }): Promise<WebhookSubscription>;
  setActive(id: string, active: boolean): Promise<WebhookSubscription>;
  /** POST …/subscriptions/batch/update; ids HubSpot could not find are returned, not thrown. */
  batchSetActive(inputs: ReadonlyArray<{ id: string; active: boolean }>): Promise<{ results: WebhookSubscription[]; notFound: string[] }>;
}

/** A Webhooks API call failed; `category` is HubSpot's (VALIDATION_ERROR, INVALID_AUTHENTICATION, …). */
export class HubSpotWebhooksApiError extends Error {
  readonly code = 'HUBSPOT_WEBHOOKS_API';
  readonly status: number | undefined;
  readonly category: string | undefined;
  readonly context: Record<string, unknown> | undefined;
  readonly retryable: boolean;
  constructor(message: string, opts: { status?: number; category?: string; context?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.status = opts.status;
    this.category = opts.category;
    this.context = opts.context;
    this.retryable = opts.status === undefined || opts.status === 429 || opts.status >= 500;
  }
}

/** The subscription already exists; `existingId` is parsed from HubSpot's `context.subscriptionIds`. */
export class WebhookSubscriptionExistsError extends HubSpotWebhooksApiError {
  readonly existingId: string | undefined;
  constructor(message: string, existingId: string | undefined, opts: { status?: number; category?: string; context?: Record<string, unknown> } = {}) {
    super(message, opts);
    this.existingId = existingId;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * HubSpot's own sample app reads `context.subscriptionIds[0]` as a JSON array inside a string
 * (`"[123]"`); accept that, a plain `"123"` and a number, since the shape is not documented.
 */
export function existingSubscriptionId(context: unknown): string | undefined {
  const ids = isRecord(context) ? context.subscriptionIds : undefined;
  const first: unknown = Array.isArray(ids) ? ids[0] : undefined;
  if (typeof first === 'number' && Number.isSafeInteger(first)) return String(first);
  if (typeof first !== 'string') return undefined;
  const m = /^\[?\s*"?(\d+)"?\s*(?:,.*)?\]?$/.exec(first.trim());
  return m?.[1];
}

function toSubscription(v: unknown): WebhookSubscription {
  const r = isRecord(v) ? v : {};
  const sub: WebhookSubscription = { id: String(r.id ?? ''), eventType: String(r.eventType ?? ''), active: r.active === true };
  if (typeof r.propertyName === 'string') sub.propertyName = r.propertyName;
  if (typeof r.objectTypeId === 'string') sub.objectTypeId = r.objectTypeId;
  if (typeof r.createdAt === 'string') sub.createdAt = r.createdAt;
  if (typeof r.updatedAt === 'string') sub.updatedAt = r.updatedAt;
  return sub;
}

function looksLikeDuplicate(status: number, body: Record<string, unknown>): boolean {
  if (status === 409) return true;
  if (status !== 400) return false;
  if (existingSubscriptionId(body.context) !== undefined) return true;
  return /already exists|duplicate/i.test(String(body.message ?? ''));
}

export function createWebhooksApiClient(opts: WebhooksApiClientOptions): WebhooksApiClient {
  const base = `${opts.baseUrl.replace(/\/+$/, '')}/webhooks/v3/${opts.appId}`;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const url = `${base}${path}?hapikey=${encodeURIComponent(opts.developerApiKey)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new HubSpotWebhooksApiError(`${method} ${path}: HubSpot unreachable`, { cause });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json };
  }

  function fail(method: string, path: string, status: number, json: unknown): never {
    const b = isRecord(json) ? json : {};
    const message = `${method} ${path}: HTTP ${status}${typeof b.message === 'string' ? ` ${b.message}` : ''}`;
    const o = { status, ...(typeof b.category === 'string' ? { category: b.category } : {}), ...(isRecord(b.context) ? { context: b.context } : {}) };
    if (method === 'POST' && path === '/subscriptions' && looksLikeDuplicate(status, b)) {
      throw new WebhookSubscriptionExistsError(message, existingSubscriptionId(b.context), o);
    }
    throw new HubSpotWebhooksApiError(message, o);
  }

  return {
    async getSettings() {
      const { status, json } = await call('GET', '/settings');
      if (status === 404) return undefined;
      if (status !== 200) fail('GET', '/settings', status, json);
      return json as WebhookSettings;
    },
    async putSettings(settings) {
      const { status, json } = await call('PUT', '/settings', settings);
      if (status !== 200) fail('PUT', '/settings', status, json);
      return json as WebhookSettings;
    },
    async listSubscriptions() {
      const { status, json } = await call('GET', '/subscriptions');
      if (status !== 200) fail('GET', '/subscriptions', status, json);
      const results = isRecord(json) && Array.isArray(json.results) ? json.results : [];
      return results.map(toSubscription);
    },
    async createSubscription(input) {
      const { status, json } = await call('POST', '/subscriptions', input);
      if (status !== 200 && status !== 201) fail('POST', '/subscriptions', status, json);
      return toSubscription(json);
    },
    async setActive(id, active) {
      const path = `/subscriptions/${encodeURIComponent(id)}`;
      const { status, json } = await call('PATCH', path, { active });
      if (status !== 200) fail('PATCH', path, status, json);
      return toSubscription(json);
    },
    async batchSetActive(inputs) {
      if (inputs.length === 0) return { results: [], notFound: [] };
      const body = { inputs: inputs.map((i) => ({ id: Number(i.id), active: i.active })) };
      const { status, json } = await call('POST', '/subscriptions/batch/update', body);
      if (status !== 200 && status !== 207) fail('POST', '/subscriptions/batch/update', status, json);
      const b = isRecord(json) ? json : {};
      const results = Array.isArray(b.results) ? b.results.map(toSubscription) : [];
      const notFound = (Array.isArray(b.errors) ? b.errors : []).flatMap((e) => {
        const ids = isRecord(e) && isRecord(e.context) && Array.isArray(e.context.subscriptionIds) ? e.context.subscriptionIds : [];
        return ids.map(String);
      });
      return { results, notFound };
    },
  };
}
