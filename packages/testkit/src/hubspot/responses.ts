import { randomUUID } from 'node:crypto';
import type { FakeFault } from './faults.js';
import type { StoredObject } from './store.js';

/** The shapes below follow HubSpot's documented bodies (see shared/reference/hubspot.md §4). */
export interface FakeReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export const WINDOW_MS = 10_000;

export function errorReply(status: number, message: string, category: string, headers: Record<string, string> = {}): FakeReply {
  return { status, headers, body: { status: 'error', message, correlationId: randomUUID(), category } };
}

export function unauthorized(): FakeReply {
  return errorReply(
    401,
    'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    'INVALID_AUTHENTICATION',
  );
}

export function rateLimited(policyName: 'TEN_SECONDLY_ROLLING' | 'DAILY', max: number, retryAfterSeconds?: number): FakeReply {
  const headers: Record<string, string> = {
    'X-HubSpot-RateLimit-Interval-Milliseconds': String(WINDOW_MS),
    'X-HubSpot-RateLimit-Max': String(max),
    'X-HubSpot-RateLimit-Remaining': '0',
  };
  if (policyName === 'DAILY') {
    headers['X-HubSpot-RateLimit-Daily'] = '250000';
    headers['X-HubSpot-RateLimit-Daily-Remaining'] = '0';
  }
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  const message = policyName === 'DAILY' ? 'You have reached your daily limit.' : 'You have reached your ten_secondly_rolling limit.';
  return {
    status: 429,
    headers,
    body: { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName, requestId: randomUUID() },
  };
}

export function faultReply(fault: FakeFault, max: number): FakeReply {
  switch (fault.status) {
    case 429:
      return rateLimited(fault.policyName ?? 'TEN_SECONDLY_ROLLING', max, fault.retryAfterSeconds);
    case 401:
      return unauthorized();
    default:
      return errorReply(fault.status, 'internal error', fault.status === 500 ? 'INTERNAL_ERROR' : 'SERVICE_UNAVAILABLE');
  }
}

/** Requested properties plus the ones HubSpot always returns; never-set properties are omitted. */
function present(obj: StoredObject, properties: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of properties) if (Object.hasOwn(obj.properties, name)) out[name] = obj.properties[name] ?? null;
  out.hs_object_id = obj.id;
  out.createdate = obj.createdAt;
  out.lastmodifieddate = obj.updatedAt;
  return out;
}

/**
 * 200 when every id was found, else 207 with an OBJECT_NOT_FOUND error listing the missing
 * ids. When NO id is found we still answer 207 with empty results: HubSpot's real answer for
 * that case is unconfirmed, and 207 is the shape that carries the missing ids, so a client
 * must cope with it (it must also cope with ids simply absent from results, which it does).
 */
export function batchReply(
  objectType: string,
  found: readonly StoredObject[],
  missing: readonly string[],
  properties: readonly string[],
  startedAt: string,
  completedAt: string,
): FakeReply {
  const results = found.map((o) => ({
    id: o.id,
    properties: present(o, properties),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    archived: o.archived,
    ...(o.archivedAt === undefined ? {} : { archivedAt: o.archivedAt }),
  }));
  if (missing.length === 0) {
    return { status: 200, headers: {}, body: { status: 'COMPLETE', results, startedAt, completedAt } };
  }
  const label = objectType.toUpperCase();
  return {
    status: 207,
    headers: {},
    body: {
      status: 'COMPLETE',
      results,
      numErrors: 1,
      errors: [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `Could not get some ${label} objects, they may be deleted or not exist. Check that ids are valid.`,
          context: { ids: [...missing] },
          errors: [],
          links: {},
        },
      ],
      startedAt,
      completedAt,
    },
  };
}
