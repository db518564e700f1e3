import type { Endpoint } from '../model/endpoint.js';

/**
 * An endpoint row as the store returns it and the dispatcher passes it on: a parallel, enabled,
 * healthy webhook endpoint with no overrides, changed by `over`. For tests of anything that takes
 * an Endpoint (courier, routing, destinations).
 */
export function endpointRow(over: Partial<Endpoint> = {}): Endpoint {
  return {
    id: 'ep_orders',
    kind: 'webhook',
    url: 'https://orders.example.com/hook',
    description: '',
    filter: {},
    destination: null,
    retrySchedule: null,
    rateLimitPerSecond: null,
    maxInFlight: null,
    ordered: false,
    enabled: true,
    disabledReason: null,
    disabledAt: null,
    failingSince: null,
    origin: 'api',
    startAfter: 0,
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}
