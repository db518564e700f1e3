import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  badRequest,
  decodePositionCursor,
  encodePositionCursor,
  forbidden,
  notFound,
  page,
  params as p,
  readParams,
  DEFAULT_LIMIT,
  SOURCE_NAME,
} from '@hookstream/pipeline';
import { isDealId, MAX_DEAL_ID_LENGTH } from '../config/tokens.js';
import { PROVIDER } from '../constants.js';
import type { DealReader, DealView, TimelineEntry } from '../store/deal-reader.js';

interface DealRef {
  source: string;
  dealId: string;
}

export interface TimelinePage {
  source: string;
  dealId: string;
  timeline: TimelineEntry[];
  nextCursor: string | null;
}

/** The CRM has no tenants: a token limited to some tenants of it could read none of its deals. */
function requireCrmScope(req: FastifyRequest): void {
  if (!req.scope) throw forbidden('this request carries no read scope');
  if (req.scope.tenants(PROVIDER) !== undefined) throw forbidden(`this token may not read ${PROVIDER} deals`);
}

/** `:provider` is the SOURCES_FILE entry's name, as in the webhook's path. */
function readRef(params: unknown): DealRef {
  const { provider = '', dealId = '' } = (params ?? {}) as Record<string, string>;
  if (!SOURCE_NAME.test(provider)) throw badRequest('provider', 'must be a crm source name (lower-case letters, digits, _ or -)');
  if (!isDealId(dealId)) throw badRequest('dealId', `must be 1-${MAX_DEAL_ID_LENGTH} characters without control characters or outer spaces`);
  return { source: provider, dealId };
}

export function dealRoutes(app: FastifyInstance, reader: DealReader): void {
  app.get('/deals/:provider/:dealId', async (req): Promise<DealView> => {
    requireCrmScope(req);
    const ref = readRef(req.params);
    readParams(req.query, {});
    const deal = await reader.deal(ref.source, ref.dealId);
    if (!deal) throw notFound(`no deal ${JSON.stringify(ref.dealId)} from crm source ${ref.source}`);
    return deal;
  });

  app.get('/deals/:provider/:dealId/timeline', async (req): Promise<TimelinePage> => {
    requireCrmScope(req);
    const ref = readRef(req.params);
    const q = readParams(req.query, { limit: p.limit, cursor: p.cursor });
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = q.cursor === undefined ? undefined : decodePositionCursor('cursor', q.cursor, 'timeline', 'asc');
    const rows = await reader.timeline(ref.source, ref.dealId, { limit: limit + 1, ...(after ? { after } : {}) });
    // A deal with no history is no deal at all: 404 like the state, not an empty page.
    if (rows.length === 0 && !after && !(await reader.deal(ref.source, ref.dealId)))
      throw notFound(`no deal ${JSON.stringify(ref.dealId)} from crm source ${ref.source}`);
    const paged = page(
      rows.map((r) => ({ ...r, occurredAt: r.reachedAt, id: r.ledgerId })),
      limit,
      (last) => encodePositionCursor('timeline', 'asc', last),
    );
    return { ...ref, timeline: paged.events.map(({ occurredAt: _t, id: _i, ...entry }) => entry), nextCursor: paged.nextCursor };
  });
}
