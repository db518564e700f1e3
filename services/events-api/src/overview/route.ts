import type { FastifyInstance } from 'fastify';
import { forbidden } from '@hookstream/pipeline';
import { createValidatorCompiler, formatSchemaErrors } from '../openapi/validation.js';
import type { OverviewSampler } from './sampler.js';
import { CHART_IDS } from './series.js';
import { buildView, type OverviewView } from './view.js';

const line = {
  type: 'object',
  required: ['label', 'values'],
  properties: {
    label: { type: 'string' },
    values: { type: 'array', items: { type: ['number', 'null'] } },
  },
} as const;

const target = {
  type: 'object',
  required: ['name', 'up', 'lastScrapeAt', 'lastSuccessAt', 'error'],
  properties: {
    name: { type: 'string', description: 'host:port/path of the target' },
    up: { type: ['boolean', 'null'], description: 'whether the last scrape answered; null before the first' },
    lastScrapeAt: { type: ['integer', 'null'], description: 'epoch ms' },
    lastSuccessAt: { type: ['integer', 'null'], description: 'epoch ms' },
    error: { type: ['string', 'null'], description: 'why the last scrape failed' },
  },
} as const;

export const overviewSchema = {
  summary: "The fleet's metrics over the last hour",
  description:
    'Events stored per second per provider, consumer lag per group, delivery results per minute, dead-letter topic sizes, and the health of each scraped metrics target. Values are null where a line had no value; `missing` counts the targets that did not answer each sample.',
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minutes: {
        type: 'integer',
        minimum: 1,
        maximum: 60,
        default: 60,
        description: 'how far back, in minutes',
        'x-error': 'must be an integer from 1 to 60',
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['intervalMs', 'windowMs', 'now', 'times', 'missing', 'series', 'targets'],
      properties: {
        intervalMs: { type: 'integer' },
        windowMs: { type: 'integer' },
        now: { type: 'integer', description: 'epoch ms of this answer; the window ends here' },
        times: { type: 'array', items: { type: 'integer' }, description: 'epoch ms of each sample, oldest first' },
        missing: { type: 'array', items: { type: 'integer' } },
        series: {
          type: 'object',
          required: [...CHART_IDS],
          properties: Object.fromEntries(CHART_IDS.map((id) => [id, { type: 'array', items: line }])),
        },
        targets: { type: 'array', items: target },
      },
    },
  },
} as const;

/**
 * GET /overview for reader tokens with full scope: the lines cover every provider, group and
 * topic, which a token scoped to some providers may not see.
 */
export function overviewRoutes(app: FastifyInstance, sampler: OverviewSampler, now: () => number = Date.now): void {
  // The app's route-schema validator (unknown parameters refused, `x-error` messages), named
  // here so this route answers the same 400s whichever validator the app was built with.
  const opts = { schema: overviewSchema, validatorCompiler: createValidatorCompiler(), schemaErrorFormatter: formatSchemaErrors };
  app.get<{ Querystring: { minutes: number } }>('/overview', opts, async (req): Promise<OverviewView> => {
    if (req.scope?.providers !== undefined) throw forbidden('the overview covers every provider: it needs a token without a providers= scope');
    return buildView(sampler.points(), sampler.health(), { intervalMs: sampler.intervalMs, windowMs: req.query.minutes * 60_000, now: now() });
  });
}
