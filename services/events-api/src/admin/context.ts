import { AppError } from '@hookstream/core';
import {
  createDeliveryStore,
  createDestinationGuard,
  createEndpointStore,
  DestinationError,
  type DeliveryStore,
  type EndpointStore,
  type Resolve,
} from '@hookstream/deliveries';
import { StoreUnavailableError, type DataSource } from '@hookstream/store';

/** The admin routes' settings (events-api's config carries them; see config.ts). */
export interface AdminSettings {
  DELIVERY_ALLOW_PRIVATE_NETWORKS: boolean;
  DELIVERY_ALLOW_HTTP: boolean;
  DELIVERY_ALLOW_LIST: readonly string[];
  /** How long the previous secrets keep signing after a rotation (ms). */
  ENDPOINT_SECRET_OVERLAP: number;
}

/** What the admin routes work with; built once per app. */
export interface AdminContext {
  endpoints: EndpointStore;
  deliveries: DeliveryStore;
  /** Resolves when deliveries may go to `url`; a 422 (with the path /url) when they may not. */
  checkUrl(url: string): Promise<void>;
  secretOverlapMs: number;
  now: () => number;
}

export function createAdminContext(ds: DataSource, settings: AdminSettings, opts: { now: () => number; resolve?: Resolve }): AdminContext {
  const guard = createDestinationGuard(
    { allowPrivate: settings.DELIVERY_ALLOW_PRIVATE_NETWORKS, allowHttp: settings.DELIVERY_ALLOW_HTTP, allowList: settings.DELIVERY_ALLOW_LIST },
    ...(opts.resolve ? [opts.resolve] : []),
  );
  return {
    endpoints: createEndpointStore(ds),
    deliveries: createDeliveryStore(ds),
    async checkUrl(url) {
      try {
        await guard(url);
      } catch (err) {
        // Refused and unresolvable alike are the client's input: 422, the guard's code and message.
        if (err instanceof DestinationError) throw new AppError(err.code, 422, err.message, { errors: [{ path: '/url', message: err.message }] });
        throw err;
      }
    },
    secretOverlapMs: settings.ENDPOINT_SECRET_OVERLAP,
    now: opts.now,
  };
}

/**
 * Runs a store call whose statement carries a secret. A driver error holds the statement and
 * its parameters (the secret among them), and the error handler logs what it does not expect;
 * so a failure is rethrown as a fresh error that names the driver code and nothing else.
 */
export async function withSecret<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof StoreUnavailableError) throw new StoreUnavailableError(`${what}: database unavailable`);
    const code = (err as { code?: unknown } | null)?.code;
    throw new Error(`${what} failed${typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? ` (${code})` : ''}`);
  }
}
