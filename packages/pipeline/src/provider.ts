import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { BatchHandler, EventProducer, Kafka, OutboundMessage } from '@hookstream/kafka';
import type { Logger, Registry, Tracing } from '@hookstream/observability';
import type { DataSource, LedgerReader, LedgerRecord, MigrationClass, SubjectMatch } from '@hookstream/store';

/**
 * A provider is one value that says everything provider-specific; the edge, the processor and
 * events-api host any number of them and know none by name. Each part is optional: a provider
 * with no read routes has no `api`, one that only stores has nothing but the ledger step.
 *
 * Settings: every part factory reads its own settings from `env` with its own schema (see
 * `parseEnv` in @hookstream/config) and throws a ConfigError naming the setting, so a provider's
 * settings are required only where that provider runs.
 */
export interface Provider {
  /** 'hubspot', 'sources', …: the ledger's `provider` column and the PROVIDERS setting's names. */
  readonly id: string;
  /** Its own tables: applied with the shared migrations, in timestamp order, wherever the schema is migrated. */
  readonly migrations?: readonly MigrationClass[];
  /** Credential headers (lower-case) and log paths to censor in every service that hosts it. */
  redact?(env: ProviderEnv): Redaction;
  edge?(ctx: HostContext): EdgePart | Promise<EdgePart>;
  processor?(ctx: ProcessorContext): ProcessorPart | Promise<ProcessorPart>;
  api?(ctx: ApiContext): ApiPart | Promise<ApiPart>;
  /**
   * Deliveries the provider itself asks for (the CRM's status actions: Meta events, e-mails):
   * endpoints the dispatcher keeps in step with this list at start-up (origin `rules`).
   */
  deliveries?(ctx: HostContext): DeliveriesPart | Promise<DeliveriesPart>;
}

/** Endpoints a provider declares, with their destination kind and settings (see @hookstream/deliveries). */
export interface DeliveriesPart {
  endpoints: readonly DeclaredEndpoint[];
}

export interface DeclaredEndpoint {
  /** `ep_` + 1-36 of a-z 0-9 _ -; stable, so a restart updates instead of adding. */
  id: string;
  /** The destination: `webhook`, `meta_capi`, `brevo`, … */
  kind: string;
  /** For a webhook, where to POST; otherwise a description of where the destination sends (shown in the API). */
  url: string;
  description: string;
  /** As an endpoint filter: `{providers, sources, types, match}`. */
  filter: Record<string, unknown>;
  /** The destination's own settings. */
  destination: Record<string, unknown> | null;
  /** Delays before each attempt (ms); null = the dispatcher's schedule. */
  retrySchedule: readonly number[] | null;
}

export type ProviderEnv = Readonly<Record<string, string | undefined>>;

export interface Redaction {
  headers?: readonly string[];
  paths?: readonly string[];
}

export interface HostContext {
  env: ProviderEnv;
  log: Logger;
  now: () => number;
  registry: Registry;
}

// ---- edge -------------------------------------------------------------------------------

/** The request as it arrived: authentication runs on these exact bytes. */
export interface IngressRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Route parameters (`:source`). */
  params: Readonly<Record<string, string>>;
  rawBody: Buffer;
  protocol: string;
  host: string;
  requestId: string;
  /** Epoch ms the edge received the request. */
  receivedAt: number;
}

/** What a route accepted: the messages to make durable and what to answer once they are. */
export interface Accepted {
  topic: string;
  messages: OutboundMessage[];
  /** The 2xx body; default `{ accepted: n, requestId }`. */
  answer?: Record<string, unknown>;
  /** Extra fields of the one 'delivery accepted' log line: flat values only (it is censored at the top level; see flatLineLogger), never credentials or payloads. */
  logFields?: Record<string, unknown>;
  /**
   * The raw archive's source partition for this request (a generic source's name, say): 1-63 of
   * a-z 0-9 _ -. Default: the provider id. Used only when the host archives the provider.
   */
  source?: string;
}

export interface IngressRoute {
  /** Fastify path, e.g. '/webhooks/hubspot' or '/webhooks/sources/:source'. */
  url: string;
  bodyLimitBytes: number;
  /**
   * Authenticates (constant time) and validates. Refusals throw an AppError (401, 404, 400,
   * 422…); nothing of a refused request is produced. A thrown error that is not an AppError is
   * a bug and answers 500.
   */
  accept(req: IngressRequest): Accepted | Promise<Accepted>;
}

export interface EdgePart {
  routes: readonly IngressRoute[];
  /** Other routes (e.g. an OAuth install flow), registered in their own encapsulated scope. */
  plugins?: ReadonlyArray<(app: FastifyInstance) => Promise<void>>;
  /** Topics the edge must create before it takes requests. */
  topics: readonly string[];
  /** Lines to print at start-up, e.g. where to point the sender. */
  describe?(publicUrl: string | undefined): Record<string, unknown>;
  close?(): Promise<void>;
}

// ---- processor --------------------------------------------------------------------------

export interface ProcessorContext extends HostContext {
  kafka: Kafka;
  dataSource: DataSource;
  /** The replica's producer (retry topic, DLQ); connected by the host before consumers start. */
  producer: EventProducer;
  /** The replica's tracing: hand it to createBatchRuntime. Absent: tracing off. */
  tracing?: Tracing;
}

/** Topics of one consumer group: the provider's events, and where failures go. */
export interface ProcessorTopics {
  events: string;
  retry: string;
  dlq: string;
}

export interface ProcessorPart {
  groupId: string;
  topics: ProcessorTopics;
  /** Other topics the part writes to (a stream of derived events), created with its own at start-up. */
  produces?: readonly string[];
  /** The batch handler; build it with createBatchRuntime and the provider's step. */
  handler: BatchHandler;
  /** Background work (a sweeper…), started after the consumer and stopped before it. */
  start?(): Promise<void> | void;
  /** Stops the background work; the consumer stops after this. */
  stop?(): Promise<void>;
  /** After the consumer stopped: flush what the provider still holds; the pool closes after this. */
  drain?(): Promise<void>;
  ready?(): boolean;
  /** Facts for the 'processor running' line. */
  describe?(): Record<string, unknown>;
  /** After every join of the group (a rebalance included): this member's partitions per topic. */
  onAssignment?(assignment: Readonly<Record<string, readonly number[]>>): void;
}

// ---- events-api -------------------------------------------------------------------------

export interface ApiContext extends HostContext {
  dataSource: DataSource;
  ledger: LedgerReader;
}

/**
 * What the caller of a read may see, from its credentials (events-api: the matched bearer
 * token's scope). The host knows providers and tenants only; a part maps its own identifiers
 * onto tenants (HubSpot: portalId → the tenant `String(portalId)`).
 */
export interface ReadScope {
  /** The providers it may read, or undefined when it is not scoped (every provider and tenant). */
  readonly providers: readonly string[] | undefined;
  /**
   * The tenants of `provider` it may read: undefined for all of them, otherwise exactly those
   * (empty when the provider is outside the scope).
   */
  tenants(provider: string): readonly string[] | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set by the host on every request that reaches an ApiPart's routes. A part refuses (403)
     * a request without one rather than guess, so a host that forgets to scope fails closed.
     */
    scope?: ReadScope;
  }
}

/** How one provider's ledger rows are answered by the cross-provider reads. */
export type Presenter = (rows: readonly LedgerRecord[]) => Promise<Array<Record<string, unknown>>>;

export interface ApiPart {
  /** Read routes of the provider (`/portals/…`, `/deals/…`), registered behind the bearer check. */
  routes?(app: FastifyInstance): void | Promise<void>;
  /** Routes that change things (geofences), registered behind the admin check (ADMIN_API_TOKENS only). */
  adminRoutes?(app: FastifyInstance): void | Promise<void>;
  /** JSON of this provider's rows in GET /events and /events/changes; default: the ledger fields. */
  present?: Presenter;
  /**
   * Query parameters of GET /events that belong to this provider (HubSpot: portalId,
   * objectType, …), mapped onto ledger filters. A request using one reads only this provider.
   */
  listParams?: ListParams;
  /** The same for GET /events/changes (only filters the changes feed has an index for). */
  changesParams?: ListParams;
}

export interface ListParams {
  /** Parameter name → parser (throws AppError 400 naming the parameter). */
  parsers: Readonly<Record<string, (name: string, raw: string) => unknown>>;
  /** Parsed values (only those given) → ledger filters; `provider` is set by the host. */
  toFilter(values: Readonly<Record<string, unknown>>): LedgerFilter;
}

/** The ledger filters a provider's parameters may set. */
export interface LedgerFilter {
  source?: string;
  tenant?: string;
  type?: string;
  subject?: SubjectMatch;
}
