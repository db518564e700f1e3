import { z } from 'zod';
import { DELIVERY_STATES } from '@hookstream/deliveries';
import * as s from '../openapi/schemas.js';
import { HANDLER_VALIDATES } from '../openapi/validation.js';

/** JSON Schemas of the admin API's answers (present.ts builds them) and bodies (zod validates them). */
type Schema = Record<string, unknown>;

const nullable = (type: string, description?: string): Schema => ({ type: [type, 'null'], ...(description ? { description } : {}) });

/**
 * A body the handler validates with its zod schema (every failure with its pointer, 422), here
 * as JSON Schema for the document: one definition, so the two cannot drift apart.
 */
export function zodBody(schema: z.ZodType, description: string): Schema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Schema;
  return { ...json, description, [HANDLER_VALIDATES]: true };
}

export const ENDPOINT_JSON = s.closed({
  id: { type: 'string' },
  kind: { type: 'string', description: '`webhook`, or the destination of a provider’s action (`meta_capi`, `brevo`).' },
  url: { type: 'string' },
  description: { type: 'string' },
  filter: { type: 'object', additionalProperties: true, description: '`{providers, sources, types, match}`; absent lists match everything.' },
  destination: { type: ['object', 'null'], additionalProperties: true, description: 'The destination’s settings; never a credential.' },
  retrySchedule: { type: ['array', 'null'], items: { type: 'integer' }, description: 'Delays before each attempt (ms), or null for the dispatcher’s.' },
  rateLimitPerSecond: nullable('integer'),
  maxInFlight: nullable('integer'),
  ordered: { type: 'boolean' },
  enabled: { type: 'boolean' },
  origin: { type: 'string', enum: ['api', 'config', 'rules'], description: 'config and rules endpoints are read-only here except `enabled`.' },
  disabledReason: nullable('string'),
  disabledAt: s.isoOrNull('When it was disabled.'),
  failingSince: s.isoOrNull('Since when its deliveries fail.'),
  startAfterEventId: { type: 'integer', description: 'Only events stored after this ledger id are delivered to it.' },
  createdAt: s.iso('Created.'),
  updatedAt: s.iso('Last changed.'),
});

const withProps = (base: Schema, extra: Record<string, Schema>): Schema => ({
  ...base,
  required: [...(base.required as string[]), ...Object.keys(extra)],
  properties: { ...(base.properties as Record<string, Schema>), ...extra },
});

const COUNTS = s.closed(Object.fromEntries(DELIVERY_STATES.map((state) => [state, { type: 'integer' }])), 'Deliveries per state.');

export const ENDPOINT_WITH_HEALTH = withProps(ENDPOINT_JSON, {
  health: s.closed({ deliveries: COUNTS, failingSince: s.isoOrNull(''), disabledReason: nullable('string'), disabledAt: s.isoOrNull('') }),
});

export const CREATED_ENDPOINT = withProps(ENDPOINT_JSON, {
  secret: { type: 'string', description: 'The signing secret: answered here and on rotation only.' },
});

export const ENDPOINTS_PAGE = s.closed({
  endpoints: { type: 'array', items: ENDPOINT_JSON },
  next: nullable('string', 'The `cursor` of the next page; null on the last one.'),
});

export const ROTATED_SECRET = s.closed({
  endpointId: { type: 'string' },
  secret: { type: 'string' },
  previousSecretsExpireAt: s.iso('Until then the previous secrets keep signing beside the new one.'),
});

const ATTEMPT_JSON = s.closed({
  attempt: { type: 'integer' },
  at: s.iso('When it started.'),
  status: nullable('integer', 'The HTTP status answered; null when none was.'),
  latencyMs: { type: 'integer' },
  outcome: { type: 'string', enum: ['succeeded', 'failed', 'timeout', 'network', 'refused', 'gone'] },
  error: nullable('string'),
  responseSnippet: nullable('string'),
  externalId: nullable('string', 'The destination’s id for what it accepted; null for webhooks.'),
});

export const DELIVERY_JSON = s.closed({
  webhookId: { type: 'string', description: 'The `webhook-id` every attempt of this delivery carries.' },
  endpointId: { type: 'string' },
  eventId: { type: 'integer' },
  state: { type: 'string', enum: [...DELIVERY_STATES] },
  attemptCount: { type: 'integer' },
  nextAttemptAt: s.isoOrNull('When the next attempt is due; null once it succeeded or is dead.'),
  lastAttemptAt: s.isoOrNull(''),
  lastStatus: nullable('integer'),
  lastError: nullable('string'),
  createdAt: s.iso(''),
  updatedAt: s.iso(''),
  completedAt: s.isoOrNull(''),
  attempts: { type: 'array', items: ATTEMPT_JSON },
});

export const DELIVERIES_PAGE = s.closed({
  deliveries: { type: 'array', items: DELIVERY_JSON },
  next: nullable('string', 'The `cursor` of the next page; null on the last one.'),
});
export const RETRIED_ONE = s.closed({ retried: { const: 1 }, delivery: DELIVERY_JSON });
export const RETRIED_CHUNK = s.closed({
  retried: { type: 'integer' },
  next: nullable('integer', 'The `after` of the next call, or null when nothing selected is left.'),
});

/** `:id` of an endpoint: any text; one that is no endpoint id answers 404 endpoint_not_found, as an unknown one. */
export const ENDPOINT_ID_PARAM = { type: 'string', description: 'An endpoint id (ep_…).' };
