import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyReply } from 'fastify';
import type { Logger } from '@hookstream/observability';
import { createFaultPlan, type FakeFault } from './faults.js';
import { batchReply, errorReply, faultReply, rateLimited, unauthorized, WINDOW_MS, type FakeReply } from './responses.js';
import { canonicalObjectType, createObjectStore, type StoredObject, type UpsertInput } from './store.js';
import { registerFakeOAuth, type FakeOAuth, type FakeOAuthOptions } from './oauth.js';
import { registerFakeWebhooksApi, type FakeWebhooks, type FakeWebhooksOptions } from './webhooks-api.js';

export interface FakeHubSpotOptions {
  /** @default 0 (OS-assigned) */
  port?: number;
  host?: '127.0.0.1';
  /** Accepted bearer tokens per portal; 'any' accepts any non-empty token, bound to no portal. @default 'any' */
  tokens?: Map<number, string> | 'any';
  log?: Logger | false;
  /** Requests per token per rolling 10 s window. @default 100 */
  rateLimitMax?: number;
  /** Clock for the rate window and timestamps; share it with a client's injected clock. @default Date.now */
  now?: () => number;
  /** OAuth app (token endpoint, access-token info); tokens it issues are accepted by batch read. */
  oauth?: FakeOAuthOptions;
  /** Developer app for the Webhooks v3 API (settings, subscriptions; `?hapikey=`). */
  webhooks?: FakeWebhooksOptions;
}

export interface FakeHubSpotCall {
  portalId?: number;
  objectType: string;
  ids: string[];
  properties: string[];
  status: number;
  at: number;
}

export interface FakeHubSpot {
  /** base URL e.g. http://127.0.0.1:54321 — pass as HUBSPOT_API_BASE_URL */
  url: string;
  upsertObject(portalId: number, objectType: string, obj: UpsertInput): void;
  /** archived -> not found with archived=false */
  deleteObject(portalId: number, objectType: string, id: string | number): void;
  /** scripted faults, consumed in order by the next batch-read calls */
  failNext(count: number, fault: FakeFault): void;
  /** fail every call until clearFaults() */
  failAll(fault: FakeFault): void;
  clearFaults(): void;
  readonly calls: FakeHubSpotCall[];
  /** OAuth controls: authorize (get a code), revoke, expire tokens, token-endpoint calls. */
  readonly oauth: FakeOAuth;
  /** Webhooks v3 state: settings and subscriptions as HubSpot holds them. */
  readonly webhooks: FakeWebhooks;
  close(): Promise<void>;
}

const MAX_INPUTS = 100;
const MAX_INPUTS_WITH_HISTORY = 50;

interface BatchBody {
  inputs: Array<{ id: string }>;
  properties: string[];
  propertiesWithHistory: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Validates like HubSpot: inputs of {id: string}, properties required. */
function parseBody(body: unknown): BatchBody | string {
  if (!isRecord(body)) return 'Invalid input JSON: expected an object';
  const inputs = body.inputs;
  if (!Array.isArray(inputs) || !inputs.every((i) => isRecord(i) && typeof i.id === 'string')) {
    return 'Invalid input JSON: "inputs" must be an array of objects with a string "id"';
  }
  if (!isStringArray(body.properties)) return 'Invalid input JSON: "properties" is required and must be an array of strings';
  const history = body.propertiesWithHistory ?? [];
  if (!isStringArray(history)) return 'Invalid input JSON: "propertiesWithHistory" must be an array of strings';
  const limit = history.length > 0 ? MAX_INPUTS_WITH_HISTORY : MAX_INPUTS;
  if (inputs.length > limit) return `Batch input limit of ${limit} exceeded: got ${inputs.length} inputs`;
  return { inputs: inputs as Array<{ id: string }>, properties: body.properties, propertiesWithHistory: history };
}

export async function startFakeHubSpot(opts: FakeHubSpotOptions = {}): Promise<FakeHubSpot> {
  const tokens = opts.tokens ?? 'any';
  const max = opts.rateLimitMax ?? 100;
  const now = opts.now ?? Date.now;
  const store = createObjectStore(now);
  const faults = createFaultPlan();
  const calls: FakeHubSpotCall[] = [];
  /** Send times per token inside the rolling window. */
  const windows = new Map<string, number[]>();

  // Without a logger instance Fastify logs nothing, which is what tests want by default.
  const loggerInstance: FastifyBaseLogger | undefined = opts.log === false ? undefined : opts.log;
  const app = Fastify({ loggerInstance });
  const oauth = registerFakeOAuth(app, opts.oauth ?? {}, now);
  const webhooks = registerFakeWebhooksApi(app, opts.webhooks ?? {}, now);

  /** undefined = rejected; null = accepted without a portal ('any'). */
  const portalOf = (authorization: string | undefined): number | null | undefined => {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const token = m?.[1];
    if (token === undefined) return undefined;
    // Tokens issued by the fake's OAuth endpoint are bound to their portal, even under 'any'.
    const issued = oauth.checkAccessToken(token);
    if (issued.state === 'valid') return issued.portalId;
    if (issued.state !== 'unknown') return undefined;
    if (tokens === 'any') return null;
    for (const [portalId, t] of tokens) if (t === token) return portalId;
    return undefined;
  };

  /** Counts the call in the token's window; false when the window is already full. */
  const admit = (token: string, nowMs: number): { ok: boolean; remaining: number } => {
    const sent = (windows.get(token) ?? []).filter((t) => t > nowMs - WINDOW_MS);
    windows.set(token, sent);
    if (sent.length >= max) return { ok: false, remaining: 0 };
    sent.push(nowMs);
    return { ok: true, remaining: max - sent.length };
  };

  const send = (reply: FastifyReply, r: FakeReply) => reply.code(r.status).headers(r.headers).send(r.body);

  app.setErrorHandler((err: FastifyError, _req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return send(reply, errorReply(status, err.message, status === 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR'));
  });

  app.post<{ Params: { objectType: string }; Querystring: { archived?: string } }>('/crm/v3/objects/:objectType/batch/read', async (req, reply) => {
    const at = now();
    const objectType = canonicalObjectType(req.params.objectType);
    const parsed = parseBody(req.body);
    const portal = portalOf(req.headers.authorization);
    const record = (status: number) =>
      calls.push({
        ...(typeof portal === 'number' ? { portalId: portal } : {}),
        objectType: objectType ?? req.params.objectType,
        ids: typeof parsed === 'string' ? [] : parsed.inputs.map((i) => i.id),
        properties: typeof parsed === 'string' ? [] : parsed.properties,
        status,
        at,
      });
    const answer = (r: FakeReply) => {
      record(r.status);
      return send(reply, r);
    };

    const fault = faults.take();
    if (fault) return answer(faultReply(fault, max));
    if (portal === undefined) return answer(unauthorized());

    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const admitted = admit(token, at);
    const limitHeaders = {
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(WINDOW_MS),
      'X-HubSpot-RateLimit-Max': String(max),
      'X-HubSpot-RateLimit-Remaining': String(admitted.remaining),
    };
    if (!admitted.ok) return answer(rateLimited('TEN_SECONDLY_ROLLING', max));
    if (objectType === undefined) {
      return answer(errorReply(400, `Unable to infer object type from: ${req.params.objectType}`, 'VALIDATION_ERROR', limitHeaders));
    }
    if (typeof parsed === 'string') return answer(errorReply(400, parsed, 'VALIDATION_ERROR', limitHeaders));

    const wantArchived = req.query.archived === 'true';
    const found: StoredObject[] = [];
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const { id } of parsed.inputs) {
      if (seen.has(id)) continue;
      seen.add(id);
      const obj = store.get(portal ?? undefined, objectType, id);
      if (obj !== undefined && obj.archived === wantArchived) found.push(obj);
      else missing.push(id);
    }
    const stamp = new Date(at).toISOString();
    const r = batchReply(objectType, found, missing, parsed.properties, stamp, new Date(now()).toISOString());
    return answer({ ...r, headers: { ...r.headers, ...limitHeaders } });
  });

  await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fake HubSpot: no TCP address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    upsertObject: (portalId, objectType, obj) => store.upsert(portalId, objectType, obj),
    deleteObject: (portalId, objectType, id) => store.archive(portalId, objectType, id),
    failNext: (count, fault) => faults.failNext(count, fault),
    failAll: (fault) => faults.failAll(fault),
    clearFaults: () => faults.clear(),
    calls,
    oauth,
    webhooks,
    close: async () => {
      await app.close();
    },
  };
}
