import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The fake's developer app for the Webhooks v3 API (settings and subscriptions). */
export interface FakeWebhooksOptions {
  /** @default 1160452 */
  appId?: number;
  /** Developer API key expected as `?hapikey=`. @default 'fake-developer-api-key' */
  developerApiKey?: string;
}

export interface FakeSubscription {
  id: string;
  eventType: string;
  propertyName?: string;
  objectTypeId?: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface FakeWebhookSettings {
  targetUrl: string;
  throttling: { maxConcurrentRequests: number; period?: string };
  createdAt: string;
  updatedAt: string;
}

export interface FakeWebhooks {
  readonly appId: number;
  readonly developerApiKey: string;
  settings(): FakeWebhookSettings | undefined;
  subscriptions(): FakeSubscription[];
  readonly calls: Array<{ method: string; path: string; status: number }>;
}

/** SPEC's eventType enum (Webhooks v3). */
const EVENT_TYPES = new Set([
  ...['company', 'contact', 'deal', 'ticket'].flatMap((o) =>
    ['associationChange', 'creation', 'deletion', 'merge', 'propertyChange', 'restore'].map((a) => `${o}.${a}`),
  ),
  'contact.privacyDeletion',
  ...['creation', 'deletion', 'newMessage', 'privacyDeletion', 'propertyChange'].map((a) => `conversation.${a}`),
  'event.completed',
  ...['associationChange', 'creation', 'deletion', 'merge', 'propertyChange', 'restore'].map((a) => `line_item.${a}`),
  ...['associationChange', 'creation', 'deletion', 'merge', 'propertyChange', 'restore'].map((a) => `object.${a}`),
  ...['creation', 'deletion', 'merge', 'propertyChange', 'restore'].map((a) => `product.${a}`),
]);
const MAX_SUBSCRIPTIONS = 1000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function error(status: number, category: string, message: string, context?: Record<string, string[]>) {
  return { status, body: { status: 'error', message, correlationId: randomUUID(), category, ...(context ? { context } : {}) } };
}

export function registerFakeWebhooksApi(app: FastifyInstance, opts: FakeWebhooksOptions, now: () => number): FakeWebhooks {
  const appId = opts.appId ?? 1160452;
  const apiKey = opts.developerApiKey ?? 'fake-developer-api-key';
  let settings: FakeWebhookSettings | undefined;
  const subs = new Map<string, FakeSubscription>();
  let nextId = 100_001;
  const calls: FakeWebhooks['calls'] = [];
  const iso = () => new Date(now()).toISOString();

  /** hapikey and app checks shared by every route; undefined = allowed. */
  const guard = (appIdParam: string, hapikey: string | undefined) => {
    if (hapikey !== apiKey) {
      return error(401, 'INVALID_AUTHENTICATION', 'The API key provided is invalid. View or manage your API key here: https://app.hubspot.com/l/api-key/');
    }
    if (appIdParam !== String(appId)) return error(404, 'OBJECT_NOT_FOUND', `App ${appIdParam} not found for this developer account`);
    return undefined;
  };
  const reply = (r: FastifyReply, method: string, path: string, out: { status: number; body?: unknown }) => {
    calls.push({ method, path, status: out.status });
    return out.body === undefined ? r.code(out.status).send() : r.code(out.status).send(out.body);
  };
  type Req = { Params: { appId: string; id?: string }; Querystring: { hapikey?: string }; Body: unknown };
  const route = (
    method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    handle: (req: { params: Req['Params']; body: unknown }) => { status: number; body?: unknown },
  ) => {
    app.route<Req>({
      method,
      url,
      handler: async (req, r) => {
        const path = req.url.split('?')[0] ?? req.url;
        const denied = guard(req.params.appId, req.query.hapikey);
        return reply(r, method, path, denied ?? handle({ params: req.params, body: req.body }));
      },
    });
  };

  const matches = (s: FakeSubscription, eventType: string, propertyName?: string, objectTypeId?: string) =>
    s.eventType === eventType && s.propertyName === propertyName && s.objectTypeId === objectTypeId;

  route('GET', '/webhooks/v3/:appId/settings', () =>
    settings ? { status: 200, body: settings } : error(404, 'OBJECT_NOT_FOUND', `No webhook settings found for app ${appId}`),
  );
  route('PUT', '/webhooks/v3/:appId/settings', ({ body }) => {
    if (!isRecord(body) || typeof body.targetUrl !== 'string') return error(400, 'VALIDATION_ERROR', 'targetUrl is required');
    try {
      new URL(body.targetUrl);
    } catch {
      return error(400, 'VALIDATION_ERROR', `targetUrl is not a valid URL: ${body.targetUrl}`);
    }
    const t = isRecord(body.throttling) ? body.throttling : { maxConcurrentRequests: 10 };
    const max = t.maxConcurrentRequests;
    // The docs: "must be a number greater than five".
    if (typeof max !== 'number' || !Number.isInteger(max) || max <= 5)
      return error(400, 'VALIDATION_ERROR', 'throttling.maxConcurrentRequests must be a number greater than five');
    const throttling = { maxConcurrentRequests: max, ...(typeof t.period === 'string' ? { period: t.period } : {}) };
    settings = { targetUrl: body.targetUrl, throttling, createdAt: settings?.createdAt ?? iso(), updatedAt: iso() };
    return { status: 200, body: settings };
  });
  route('DELETE', '/webhooks/v3/:appId/settings', () => {
    settings = undefined;
    // HubSpot pauses the subscriptions until a target is set again.
    for (const s of subs.values()) s.active = false;
    return { status: 204 };
  });

  route('GET', '/webhooks/v3/:appId/subscriptions', () => ({ status: 200, body: { results: [...subs.values()] } }));
  route('POST', '/webhooks/v3/:appId/subscriptions', ({ body }) => {
    if (!isRecord(body) || typeof body.eventType !== 'string') return error(400, 'VALIDATION_ERROR', 'eventType is required');
    const { eventType } = body;
    const propertyName = typeof body.propertyName === 'string' && body.propertyName !== '' ? body.propertyName : undefined;
    const objectTypeId = typeof body.objectTypeId === 'string' && body.objectTypeId !== '' ? body.objectTypeId : undefined;
    if (!EVENT_TYPES.has(eventType)) return error(400, 'VALIDATION_ERROR', `Invalid eventType: ${eventType}`);
    const isPropertyChange = eventType.endsWith('.propertyChange');
    if (isPropertyChange && !propertyName) return error(400, 'VALIDATION_ERROR', `propertyName is required for ${eventType}`);
    if (!isPropertyChange && propertyName) return error(400, 'VALIDATION_ERROR', `propertyName is only allowed for propertyChange subscriptions`);
    if (eventType.startsWith('object.') && !objectTypeId) return error(400, 'VALIDATION_ERROR', `objectTypeId is required for ${eventType}`);
    const existing = [...subs.values()].find((s) => matches(s, eventType, propertyName, objectTypeId));
    if (existing) {
      // The shape HubSpot's Python sample parses: context.subscriptionIds[0] is itself a JSON array.
      return error(400, 'VALIDATION_ERROR', `A subscription for ${eventType}${propertyName ? ` (${propertyName})` : ''} already exists`, {
        subscriptionIds: [`[${existing.id}]`],
      });
    }
    if (subs.size >= MAX_SUBSCRIPTIONS) return error(400, 'VALIDATION_ERROR', `An app can have at most ${MAX_SUBSCRIPTIONS} subscriptions`);
    const sub: FakeSubscription = {
      id: String(nextId++),
      eventType,
      ...(propertyName ? { propertyName } : {}),
      ...(objectTypeId ? { objectTypeId } : {}),
      // New subscriptions are paused unless the request says otherwise.
      active: body.active === true,
      createdAt: iso(),
      updatedAt: iso(),
    };
    subs.set(sub.id, sub);
    return { status: 201, body: sub };
  });
  route('GET', '/webhooks/v3/:appId/subscriptions/:id', ({ params }) => {
    const s = subs.get(params.id ?? '');
    return s ? { status: 200, body: s } : error(404, 'OBJECT_NOT_FOUND', `Subscription ${params.id} not found`);
  });
  route('PATCH', '/webhooks/v3/:appId/subscriptions/:id', ({ params, body }) => {
    const s = subs.get(params.id ?? '');
    if (!s) return error(404, 'OBJECT_NOT_FOUND', `Subscription ${params.id} not found`);
    if (!isRecord(body) || typeof body.active !== 'boolean') return error(400, 'VALIDATION_ERROR', 'active (boolean) is required');
    s.active = body.active;
    s.updatedAt = iso();
    return { status: 200, body: s };
  });
  route('DELETE', '/webhooks/v3/:appId/subscriptions/:id', ({ params }) => {
    return subs.delete(params.id ?? '') ? { status: 204 } : error(404, 'OBJECT_NOT_FOUND', `Subscription ${params.id} not found`);
  });
  route('POST', '/webhooks/v3/:appId/subscriptions/batch/update', ({ body }) => {
    const inputs = isRecord(body) && Array.isArray(body.inputs) ? body.inputs : undefined;
    if (!inputs || !inputs.every((i) => isRecord(i) && (typeof i.id === 'number' || typeof i.id === 'string') && typeof i.active === 'boolean')) {
      return error(400, 'VALIDATION_ERROR', 'inputs must be an array of {id, active}');
    }
    const startedAt = iso();
    const results: FakeSubscription[] = [];
    const missing: string[] = [];
    for (const i of inputs as Array<{ id: number | string; active: boolean }>) {
      const s = subs.get(String(i.id));
      if (!s) {
        missing.push(String(i.id));
        continue;
      }
      s.active = i.active;
      s.updatedAt = iso();
      results.push(s);
    }
    const base = { status: 'COMPLETE', results, startedAt, completedAt: iso() };
    if (missing.length === 0) return { status: 200, body: base };
    return {
      status: 207,
      body: {
        ...base,
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'SUBSCRIPTION_ID_NOT_FOUND',
            subCategory: 'SubscriptionErrors.SUBSCRIPTION_IDS_NOT_FOUND',
            message: `Failed to find subscriptions by id ${missing.map((m) => `\`${m}\``).join(', ')}. Try again using a different subscriptionId.`,
            context: { subscriptionIds: missing },
          },
        ],
      },
    };
  });

  return {
    appId,
    developerApiKey: apiKey,
    settings: () => (settings ? structuredClone(settings) : undefined),
    subscriptions: () => [...subs.values()].map((s) => structuredClone(s)),
    calls,
  };
}
