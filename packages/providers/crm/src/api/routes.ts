import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, decodePositionCursor, encodePositionCursor, forbidden, notFound, page, schemas, DEFAULT_LIMIT, SOURCE_NAME } from '@hookstream/pipeline';
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

const DEAL_ID_MESSAGE = `must be 1-${MAX_DEAL_ID_LENGTH} characters without control characters or outer spaces`;
const PATH = {
  type: 'object',
  additionalProperties: false,
  required: ['provider', 'dealId'],
  properties: {
    provider: {
      type: 'string',
      pattern: SOURCE_NAME.source,
      description: 'The crm source’s name in SOURCES_FILE, as in its webhook path.',
      'x-error': 'must be a crm source name (lower-case letters, digits, _ or -)',
    },
    dealId: { type: 'string', minLength: 1, maxLength: MAX_DEAL_ID_LENGTH, description: 'The deal’s id in the CRM.', 'x-error': DEAL_ID_MESSAGE },
  },
};
const NULLABLE_INT = { type: ['integer', 'null'] };
const DEAL = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'dealId', 'status', 'stageRank', 'statusLedgerId', 'deal', 'customer', 'property', 'firstSeenAt', 'lastEventAt', 'updatedAt'],
  properties: {
    source: { type: 'string' },
    dealId: { type: 'string' },
    status: { type: 'string' },
    stageRank: { ...NULLABLE_INT, description: 'Its position in the source’s stages; null for a status they do not list.' },
    statusLedgerId: { type: 'integer', description: 'GET /events id of the event that set the status.' },
    deal: { description: 'The deal as the CRM last sent it.' },
    customer: {},
    property: {},
    firstSeenAt: { type: 'integer' },
    lastEventAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
  },
};
const ENTRY = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'stageRank', 'type', 'reachedAt', 'ledgerId', 'advanced'],
  properties: {
    status: { type: 'string' },
    stageRank: NULLABLE_INT,
    type: { type: 'string', description: 'The x-event of the webhook that brought it.' },
    reachedAt: { type: 'integer' },
    ledgerId: { type: 'integer' },
    advanced: { type: 'boolean', description: 'False when it arrived after a later stage and left the status alone.' },
  },
};
const tags = ['crm'];
const NO_QUERY = { type: 'object', additionalProperties: false, properties: {} };
const SCHEMAS = {
  deal: { summary: 'A deal’s current status', tags, params: PATH, querystring: NO_QUERY, response: { 200: DEAL } },
  timeline: {
    summary: 'The statuses a deal reached, oldest first',
    tags,
    params: PATH,
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        limit: schemas.limit,
        cursor: schemas.cursor(),
      },
    },
    response: {
      200: {
        type: 'object',
        additionalProperties: false,
        required: ['source', 'dealId', 'timeline', 'nextCursor'],
        properties: {
          source: { type: 'string' },
          dealId: { type: 'string' },
          timeline: { type: 'array', items: ENTRY },
          nextCursor: { type: ['string', 'null'] },
        },
      },
    },
  },
};

/** `:provider` is the SOURCES_FILE entry's name, as in the webhook's path; the schema checked its shape, this the deal id's rule. */
function readRef(params: DealRoute['Params']): DealRef {
  if (!isDealId(params.dealId)) throw badRequest('dealId', DEAL_ID_MESSAGE);
  return { source: params.provider, dealId: params.dealId };
}

type DealRoute = { Params: { provider: string; dealId: string } };

export function dealRoutes(app: FastifyInstance, reader: DealReader): void {
  app.get<DealRoute>('/deals/:provider/:dealId', { schema: SCHEMAS.deal }, async (req): Promise<DealView> => {
    requireCrmScope(req);
    const ref = readRef(req.params);
    const deal = await reader.deal(ref.source, ref.dealId);
    if (!deal) throw notFound(`no deal ${JSON.stringify(ref.dealId)} from crm source ${ref.source}`);
    return deal;
  });

  app.get<DealRoute & { Querystring: { limit?: number; cursor?: string } }>(
    '/deals/:provider/:dealId/timeline',
    { schema: SCHEMAS.timeline },
    async (req): Promise<TimelinePage> => {
      requireCrmScope(req);
      const ref = readRef(req.params);
      const q = req.query;
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
    },
  );
}
