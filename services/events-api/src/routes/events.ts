import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  badRequest,
  forbidden,
  notFound,
  decodeChangesCursor,
  decodePositionCursor,
  encodeChangesCursor,
  encodePositionCursor,
  page,
  params as p,
  DEFAULT_LIMIT,
  type LedgerFilter,
  type ListParams,
  type Page,
  type Parser,
  type ReadScope,
} from '@hookstream/pipeline';
import type { LedgerReader } from '@hookstream/store';
import type { HostedApi } from '../hosted.js';
import { presentAll } from '../present.js';
import { narrowToScope } from '../scope.js';
import * as s from '../openapi/schemas.js';

export type EventJson = Record<string, unknown> & { id: number; occurredAt: number };
export type EventsPage = Page<EventJson>;

export interface ChangesPage {
  events: EventJson[];
  nextCursor: string;
}

/** Parameters every provider's rows have (the ledger's own columns). */
const LIST = {
  provider: s.name(32, 'Only this provider’s events (hubspot, crm, location, a source’s provider).'),
  source: s.name(64, 'Only events from this source (SOURCES_FILE entry or hubspot).'),
  tenant: s.text(128, 'Only this tenant (HubSpot: the portal id).'),
  type: s.text(128, 'Only this event type (HubSpot: the subscription type).'),
  subject: s.text(255, 'Only this subject (what the event is about: an object, a deal, a user).'),
  from: s.time('Events that occurred at or after this time.'),
  to: s.time('Events that occurred at or before this time.'),
  order: s.order,
  limit: s.limit,
  cursor: s.cursor('The nextCursor of the previous page, with the same order.'),
};
const CHANGES = {
  provider: LIST.provider,
  source: LIST.source,
  tenant: LIST.tenant,
  after: s.cursor('The nextCursor of the previous call; none: from the beginning of the feed.'),
  limit: s.limit,
};

/** A row in its provider's JSON (ApiPart.present): the ledger's id, provider and time always, the rest the provider's. */
export const EVENT_SCHEMA = {
  type: 'object',
  required: ['id', 'provider', 'occurredAt'],
  additionalProperties: true,
  properties: {
    id: { type: 'integer', description: 'Ledger id: the order of the changes feed.' },
    provider: { type: 'string' },
    occurredAt: { type: 'integer', description: 'Epoch ms.' },
  },
  description: 'One event in its provider’s JSON: HubSpot rows as in the object timeline, others the ledger’s fields.',
};

/** A provider's own parameters: named here, their values read by the provider's parser (ApiPart.listParams). */
function providerParams(hosted: readonly HostedApi[], params: (h: HostedApi) => ListParams | undefined): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const h of hosted)
    for (const name of Object.keys(params(h)?.parsers ?? {}))
      out[name] = { type: 'string', description: `A ${h.provider} parameter: reads only ${h.provider} events.` };
  return out;
}

/**
 * GET /events and /events/changes across providers, in the ledger's order. A provider's own
 * parameters (HubSpot: portalId, objectType, …) are accepted too and narrow the read to that
 * provider; each page's rows are answered in their provider's JSON (see ApiPart.present). A
 * scoped token reads only its providers and tenants (narrowToScope).
 */
export function eventRoutes(app: FastifyInstance, ledger: LedgerReader, hosted: readonly HostedApi[]): void {
  const ownList = specWith({}, hosted, (h) => h.part.listParams);
  const ownChanges = specWith({}, hosted, (h) => h.part.changesParams);
  const listSchema = {
    summary: 'Events across providers in (occurredAt, id) order',
    tags: ['events'],
    querystring: s.query({ ...LIST, ...providerParams(hosted, (h) => h.part.listParams) }),
    response: { 200: pageSchema('nextCursor: the cursor of the next page; null on the last one.', { type: ['string', 'null'] }) },
  };
  const changesSchema = {
    summary: 'The changes feed: events in ingestion (ledger id) order',
    tags: ['events'],
    querystring: s.query({ ...CHANGES, ...providerParams(hosted, (h) => h.part.changesParams) }),
    response: { 200: pageSchema('nextCursor: always set; poll again with it.', { type: 'string' }) },
  };
  const oneSchema = {
    summary: 'One event by ledger id, in its provider’s JSON',
    tags: ['events'],
    params: s.pathParams({ id: s.positiveInt('The ledger id.') }),
    querystring: s.query(),
    response: { 200: EVENT_SCHEMA },
  };

  app.get('/events', { schema: listSchema }, async (req): Promise<EventsPage> => {
    const q = withOwn(req.query as ListQuery, ownList);
    const from = q.from === undefined ? undefined : p.time('from', q.from);
    const to = q.to === undefined ? undefined : p.time('to', q.to);
    if (from !== undefined && to !== undefined && to < from) throw badRequest('to', 'must not be before from');
    const order = q.order ?? 'asc';
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = q.cursor === undefined ? undefined : decodePositionCursor('cursor', q.cursor, 'events', order);
    const filter = narrowToScope(
      ledgerFilter(q, hosted, (h) => h.part.listParams),
      scopeOf(req),
    );
    // One extra row tells whether another page exists, so the last full page ends the iteration.
    const rows = await ledger.list({
      ...filter,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      order,
      limit: limit + 1,
      ...(after ? { after } : {}),
    });
    const events = await presentAll(
      rows.map((r) => r.record),
      hosted,
    );
    return page(events, limit, (last) => encodePositionCursor('events', order, last));
  });

  app.get('/events/changes', { schema: changesSchema }, async (req): Promise<ChangesPage> => {
    const q = withOwn(req.query as ChangesQuery, ownChanges);
    const afterId = q.after === undefined ? 0 : decodeChangesCursor('after', q.after);
    const filter = narrowToScope(
      ledgerFilter(q, hosted, (h) => h.part.changesParams),
      scopeOf(req),
    );
    const rows = await ledger.changes({ afterId, limit: q.limit ?? DEFAULT_LIMIT, ...pickChanges(filter) });
    const events = await presentAll(
      rows.map((r) => r.record),
      hosted,
    );
    const last = rows[rows.length - 1];
    // Always a cursor: pollers keep asking with it and pick up whatever was ingested since.
    return { events, nextCursor: encodeChangesCursor(last ? last.record.id : afterId) };
  });

  /** One event by its ledger id, in its provider's JSON; 404 when there is none or the token may not see it. */
  app.get<{ Params: { id: number } }>('/events/:id', { schema: oneSchema }, async (req): Promise<EventJson> => {
    const { id } = req.params;
    // The changes feed from id − 1 is the ledger's primary-key read of exactly this row.
    const [row] = await ledger.changes({ afterId: id - 1, limit: 1 });
    const record = row?.record;
    if (!record || record.id !== id || !visible(scopeOf(req), record.provider, record.tenant)) throw notFound(`no event ${id}`);
    const [json] = await presentAll([record], hosted);
    if (!json) throw notFound(`no event ${id}`);
    return json;
  });
}

/** The query strings as the schemas let them through (a provider's own values still raw). */
interface ListQuery extends Record<string, unknown> {
  provider?: string;
  source?: string;
  tenant?: string;
  type?: string;
  subject?: string;
  from?: string;
  to?: string;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
}
interface ChangesQuery extends Record<string, unknown> {
  provider?: string;
  source?: string;
  tenant?: string;
  after?: string;
  limit?: number;
}

const pageSchema = (about: string, next: Record<string, unknown>) => ({
  type: 'object',
  required: ['events', 'nextCursor'],
  additionalProperties: false,
  description: about,
  properties: { events: { type: 'array', items: EVENT_SCHEMA }, nextCursor: next },
});

/** The query with each provider parameter read by its provider's parser (semantics no schema states: 400 naming it). */
function withOwn<Q extends Record<string, unknown>>(q: Q, own: Spec): Q {
  const out: Record<string, unknown> = { ...q };
  for (const [name, parse] of Object.entries(own)) if (typeof q[name] === 'string') out[name] = parse(name, q[name]);
  return out as Q;
}

/** Whether a scoped token may read a row of this provider and tenant (an unscoped token reads all). */
function visible(scope: ReadScope, provider: string, tenant: string | null): boolean {
  if (scope.providers !== undefined && !scope.providers.includes(provider)) return false;
  const tenants = scope.tenants(provider);
  return tenants === undefined || (tenant !== null && tenants.includes(tenant));
}

type Spec = Record<string, Parser<unknown>>;

/** The bearer hook sets the scope on every request; without one nothing is readable (fail closed). */
function scopeOf(req: FastifyRequest): ReadScope {
  if (!req.scope) throw forbidden('this request carries no read scope');
  return req.scope;
}

function specWith(base: Spec, hosted: readonly HostedApi[], params: (h: HostedApi) => ListParams | undefined): Spec {
  const spec: Spec = { ...base };
  for (const h of hosted) for (const [name, parse] of Object.entries(params(h)?.parsers ?? {})) spec[name] = parse;
  return spec;
}

/**
 * The ledger filter of a request: the common parameters, plus those of at most one provider,
 * which imply `provider` (giving another provider, or two providers' parameters, is a 400).
 */
function ledgerFilter(
  q: Record<string, unknown>,
  hosted: readonly HostedApi[],
  params: (h: HostedApi) => ListParams | undefined,
): LedgerFilter & { provider?: string } {
  let provider = q.provider as string | undefined;
  let own: LedgerFilter = {};
  for (const h of hosted) {
    const spec = params(h);
    if (!spec) continue;
    const given = Object.fromEntries(
      Object.keys(spec.parsers)
        .filter((k) => q[k] !== undefined)
        .map((k) => [k, q[k]]),
    );
    const names = Object.keys(given);
    if (names.length === 0) continue;
    if (provider !== undefined && provider !== h.provider)
      throw badRequest(names[0] as string, `is a ${h.provider} parameter; it cannot be combined with provider=${provider}`);
    provider = h.provider;
    own = spec.toFilter(given);
  }
  const common: LedgerFilter = {
    ...(q.source !== undefined ? { source: q.source as string } : {}),
    ...(q.tenant !== undefined ? { tenant: q.tenant as string } : {}),
    ...(q.type !== undefined ? { type: q.type as string } : {}),
    ...(q.subject !== undefined ? { subject: { eq: q.subject as string } } : {}),
  };
  for (const k of Object.keys(own) as Array<keyof LedgerFilter>)
    if (common[k] !== undefined) throw badRequest(k, `conflicts with ${provider}'s own parameters`);
  return { ...common, ...own, ...(provider !== undefined ? { provider } : {}) };
}

const pickChanges = (f: LedgerFilter & { provider?: string }) => ({
  ...(f.provider !== undefined ? { provider: f.provider } : {}),
  ...(f.source !== undefined ? { source: f.source } : {}),
  ...(f.tenant !== undefined ? { tenant: f.tenant } : {}),
});
