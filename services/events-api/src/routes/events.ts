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
  readParams,
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

export type EventJson = Record<string, unknown> & { id: number; occurredAt: number };
export type EventsPage = Page<EventJson>;

export interface ChangesPage {
  events: EventJson[];
  nextCursor: string;
}

/** Parameters every provider's rows have (the ledger's own columns). */
const LIST = {
  provider: p.name(32),
  source: p.name(64),
  tenant: p.text(128),
  type: p.text(128),
  subject: p.text(255),
  from: p.time,
  to: p.time,
  order: p.order,
  limit: p.limit,
  cursor: p.cursor,
};
const CHANGES = { provider: p.name(32), source: p.name(64), tenant: p.text(128), after: p.cursor, limit: p.limit };

/**
 * GET /events and /events/changes across providers, in the ledger's order. A provider's own
 * parameters (HubSpot: portalId, objectType, …) are accepted too and narrow the read to that
 * provider; each page's rows are answered in their provider's JSON (see ApiPart.present). A
 * scoped token reads only its providers and tenants (narrowToScope).
 */
export function eventRoutes(app: FastifyInstance, ledger: LedgerReader, hosted: readonly HostedApi[]): void {
  const listSpec = specWith(LIST, hosted, (h) => h.part.listParams);
  const changesSpec = specWith(CHANGES, hosted, (h) => h.part.changesParams);

  app.get('/events', async (req): Promise<EventsPage> => {
    const q = readParams(req.query, listSpec) as Record<string, unknown>;
    const from = q.from as number | undefined;
    const to = q.to as number | undefined;
    if (from !== undefined && to !== undefined && to < from) throw badRequest('to', 'must not be before from');
    const order = (q.order as 'asc' | 'desc' | undefined) ?? 'asc';
    const limit = (q.limit as number | undefined) ?? DEFAULT_LIMIT;
    const after = q.cursor === undefined ? undefined : decodePositionCursor('cursor', q.cursor as string, 'events', order);
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

  app.get('/events/changes', async (req): Promise<ChangesPage> => {
    const q = readParams(req.query, changesSpec) as Record<string, unknown>;
    const afterId = q.after === undefined ? 0 : decodeChangesCursor('after', q.after as string);
    const filter = narrowToScope(
      ledgerFilter(q, hosted, (h) => h.part.changesParams),
      scopeOf(req),
    );
    const rows = await ledger.changes({ afterId, limit: (q.limit as number | undefined) ?? DEFAULT_LIMIT, ...pickChanges(filter) });
    const events = await presentAll(
      rows.map((r) => r.record),
      hosted,
    );
    const last = rows[rows.length - 1];
    // Always a cursor: pollers keep asking with it and pick up whatever was ingested since.
    return { events, nextCursor: encodeChangesCursor(last ? last.record.id : afterId) };
  });

  /** One event by its ledger id, in its provider's JSON; 404 when there is none or the token may not see it. */
  app.get('/events/:id', async (req): Promise<EventJson> => {
    const raw = ((req.params ?? {}) as Record<string, string>).id ?? '';
    const id = p.positiveInt('id', raw);
    readParams(req.query, {});
    // The changes feed from id − 1 is the ledger's primary-key read of exactly this row.
    const [row] = await ledger.changes({ afterId: id - 1, limit: 1 });
    const record = row?.record;
    if (!record || record.id !== id || !visible(scopeOf(req), record.provider, record.tenant)) throw notFound(`no event ${id}`);
    const [json] = await presentAll([record], hosted);
    if (!json) throw notFound(`no event ${id}`);
    return json;
  });
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
