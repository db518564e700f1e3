import Fastify, { type FastifyInstance, type FastifySchemaValidationError } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadScope } from '@hookstream/pipeline';
import type { DealReader, DealView, TimelineEntry } from '../store/deal-reader.js';
import { dealRoutes } from './routes.js';

const DEAL: DealView = {
  source: 'crm',
  dealId: 'D-1',
  status: 'Committed',
  stageRank: 5,
  statusLedgerId: 12,
  deal: { status: 'Committed' },
  customer: { contactId: 'C-1' },
  property: { propertyId: 'P-1' },
  firstSeenAt: 1,
  lastEventAt: 2,
  updatedAt: 3,
};
const entry = (status: string, reachedAt: number, ledgerId: number, advanced = true): TimelineEntry => ({
  status,
  stageRank: null,
  type: 'deal_updated',
  reachedAt,
  ledgerId,
  advanced,
});
const HISTORY = [entry('Committed', 10, 12), entry('Qualified', 20, 13, false), entry('Lost', 20, 14, false)];

const reader: DealReader = {
  deal: async (source, dealId) => (source === 'crm' && dealId === 'D-1' ? DEAL : null),
  timeline: async (source, dealId, q) =>
    source === 'crm' && dealId === 'D-1'
      ? HISTORY.filter((h) => !q.after || h.reachedAt > q.after.occurredAt || (h.reachedAt === q.after.occurredAt && h.ledgerId > q.after.id)).slice(0, q.limit)
      : [],
};

const unscoped: ReadScope = { providers: undefined, tenants: () => undefined };
let app: FastifyInstance;
afterEach(() => app?.close());

/**
 * A host that validates as events-api does: unknown parameters refused, a failure answered
 * `<param>: <the schema's x-error>` (events-api's formatter; its own tests cover the rest).
 */
const hostOptions = {
  ajv: { customOptions: { removeAdditional: false, verbose: true, keywords: ['x-error'] } },
  schemaErrorFormatter: (errors: FastifySchemaValidationError[]) => {
    const e = errors[0] as FastifySchemaValidationError & { parentSchema?: Record<string, unknown> };
    if (e.keyword === 'additionalProperties') return new Error(`${String(e.params.additionalProperty)}: unknown parameter`);
    return new Error(`${e.instancePath.slice(1)}: ${String(e.parentSchema?.['x-error'] ?? e.message)}`);
  },
};

/** `null`: no scope at all, as a host that forgot to set one. */
async function start(scope: ReadScope | null = unscoped) {
  app = Fastify(hostOptions);
  app.decorateRequest('scope', undefined);
  app.addHook('onRequest', async (req) => {
    req.scope = scope ?? undefined;
  });
  dealRoutes(app, reader);
  await app.ready();
  return async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    return { status: res.statusCode, json: res.json() as Record<string, unknown> };
  };
}

describe('GET /deals/:provider/:dealId', () => {
  it('answers the deal’s current state, and 404 for an unknown deal or source', async () => {
    const get = await start();
    expect(await get('/deals/crm/D-1')).toEqual({ status: 200, json: DEAL });
    expect(await get('/deals/crm/D-2')).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    expect(await get('/deals/crm-eu/D-1')).toMatchObject({ status: 404 });
  });

  it('refuses bad names and unknown parameters with 400', async () => {
    const get = await start();
    expect(await get('/deals/CRM/D-1')).toMatchObject({ status: 400, json: { message: expect.stringMatching(/^provider: /) } });
    expect(await get('/deals/crm/%20D-1')).toMatchObject({ status: 400, json: { message: expect.stringMatching(/^dealId: /) } });
    expect(await get('/deals/crm/D-1?verbose=1')).toMatchObject({ status: 400, json: { message: 'verbose: unknown parameter' } });
  });

  it('fails closed without a scope, and for a token limited to tenants (the CRM has none)', async () => {
    expect(await (await start(null))('/deals/crm/D-1')).toMatchObject({ status: 403 });
    await app.close();
    expect(await (await start({ providers: ['crm'], tenants: () => ['t1'] }))('/deals/crm/D-1')).toMatchObject({ status: 403 });
  });
});

describe('GET /deals/:provider/:dealId/timeline', () => {
  it('answers the statuses in the order they were reached, paged by cursor', async () => {
    const get = await start();
    const all = await get('/deals/crm/D-1/timeline');
    expect(all).toEqual({ status: 200, json: { source: 'crm', dealId: 'D-1', timeline: HISTORY, nextCursor: null } });
    const first = await get('/deals/crm/D-1/timeline?limit=2');
    expect((first.json.timeline as TimelineEntry[]).map((t) => t.status)).toEqual(['Committed', 'Qualified']);
    const rest = await get(`/deals/crm/D-1/timeline?limit=2&cursor=${String(first.json.nextCursor)}`);
    expect(rest.json).toMatchObject({ timeline: [HISTORY[2]], nextCursor: null });
  });

  it('answers 404 for an unknown deal and 400 for a bad cursor', async () => {
    const get = await start();
    expect(await get('/deals/crm/D-9/timeline')).toMatchObject({ status: 404 });
    expect(await get('/deals/crm/D-1/timeline?cursor=nope!')).toMatchObject({ status: 400, json: { message: 'cursor: malformed cursor' } });
  });
});
