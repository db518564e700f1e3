import { MAX_LIMIT } from '@hookstream/pipeline';
import { ERROR_KEYWORD } from './validation.js';

/**
 * JSON Schema pieces of the events-api routes. Each parameter carries the message the hand
 * parsers answered (`x-error`), so a schema failure reads as before: "limit: must be …".
 */
type Schema = Record<string, unknown>;

/** What every error answer is (the error handler's shape); `errors` lists a body's failures with their pointers. */
export const ERROR_SCHEMA: Schema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'Stable machine-readable code: BAD_REQUEST, NOT_FOUND, invalid_request, …' },
    message: { type: 'string', description: 'What went wrong, naming the parameter or field first.' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

export const positiveInt = (description: string): Schema => ({
  type: 'integer',
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
  description,
  [ERROR_KEYWORD]: 'must be a positive integer',
});

export const limit: Schema = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_LIMIT,
  description: `Rows per page, 1-${MAX_LIMIT}; default 100.`,
  [ERROR_KEYWORD]: `must be an integer between 1 and ${MAX_LIMIT}`,
};

export const cursor = (description: string): Schema => ({
  type: 'string',
  minLength: 1,
  description,
  [ERROR_KEYWORD]: 'must not be empty (omit it to start from the beginning)',
});

export const order: Schema = {
  type: 'string',
  enum: ['asc', 'desc'],
  description: 'By occurredAt, ties by id; default asc.',
  [ERROR_KEYWORD]: 'must be asc or desc',
};

/** Epoch ms or ISO-8601 text: the time parser (not a schema) reads it, since a date-time needs a zone and a date is midnight UTC. */
export const time = (description: string): Schema => ({
  type: 'string',
  description: `${description} Epoch milliseconds, an ISO-8601 date (midnight UTC) or a date-time with Z or an offset.`,
  examples: ['1700000000000', '2024-05-01', '2024-05-01T10:00:00Z'],
});

/** A provider, source or tenant name as the ledger stores it. */
export const name = (max: number, description: string): Schema => ({
  type: 'string',
  minLength: 1,
  maxLength: max,
  pattern: '^[\\x21-\\x7e]+$',
  description,
  [ERROR_KEYWORD]: `must be 1-${max} printable characters`,
});

/** An event type or subject: any text, within the column's length. */
export const text = (max: number, description: string): Schema => ({
  type: 'string',
  minLength: 1,
  maxLength: max,
  description,
  [ERROR_KEYWORD]: `must be 1-${max} characters`,
});

/** A query string of these parameters only (an unknown one is a 400). */
export const query = (properties: Record<string, Schema> = {}): Schema => ({ type: 'object', additionalProperties: false, properties });

export const pathParams = (properties: Record<string, Schema>): Schema => ({
  type: 'object',
  required: Object.keys(properties),
  additionalProperties: false,
  properties,
});

export const iso = (description: string): Schema => ({ type: 'string', format: 'date-time', description });
export const isoOrNull = (description: string): Schema => ({ type: ['string', 'null'], format: 'date-time', description });

/** A closed object: every property listed is answered (nullable ones as null), no other. */
export const closed = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
  ...(description ? { description } : {}),
});
