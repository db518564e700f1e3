import type { Logger } from '@hookstream/observability';

export interface CrmObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt?: string;
  updatedAt?: string;
  archived?: boolean;
  archivedAt?: string;
}

export interface BatchReadResult {
  /** Keyed by the id HubSpot returned. */
  found: Map<string, CrmObject>;
  /** Requested ids HubSpot did not return (deleted, archived, never existed). */
  notFound: Set<string>;
}

export interface BatchReadClientOptions {
  /** e.g. https://api.hubapi.com (no trailing path) */
  baseUrl: string;
  /** token of the portal, undefined = none configured (may also throw HubSpotNoTokenError itself) */
  tokenFor: (portalId: number) => string | undefined | Promise<string | undefined>;
  /** HubSpot answered 401 to this portal's token (e.g. TokenProvider.reportRejected). */
  onAuthRejected?: (portalId: number, token: string) => void;
  log: Logger;
  /** @default 4 */
  maxRetries?: number;
  /** @default 10_000 */
  requestTimeoutMs?: number;
  /** per portal, rolling 10 s window. @default 100 */
  maxRequestsPer10s?: number;
  /** HTTP calls in flight across all portals. @default 6 */
  maxConcurrent?: number;
  /** Inject together with `sleep`: the limiter waits with `sleep` until `now` has moved on. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** total time we may spend retrying one read. @default 20_000 */
  retryBudgetMs?: number;
  /** [0,1) source for backoff jitter. @default Math.random */
  random?: () => number;
}

export interface BatchReadInput {
  portalId: number;
  /** canonical, e.g. 'contact' or '2-123' */
  objectType: string;
  ids: string[];
  properties: string[];
}

export interface BatchReadClient {
  read(input: BatchReadInput): Promise<BatchReadResult>;
  readonly stats: { calls: number; retries: number };
  /** This replica's share of maxRequestsPer10s (see PortalRateLimiter.setMaxRequests); absent on stand-ins. */
  setMaxRequestsPer10s?(maxRequests: number, opts?: { immediate?: boolean }): void;
}
