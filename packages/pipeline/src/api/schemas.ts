import { MAX_LIMIT } from './params.js';

/**
 * JSON Schema pieces every events-api route uses, the host's and the providers' alike. Each
 * parameter carries the message its failure answers (`x-error`, read by events-api's
 * validator), so "limit: must be …" reads the same on every route.
 */
export type Schema = Record<string, unknown>;

/** The keyword holding a parameter's failure message. */
export const ERROR_KEYWORD = 'x-error';

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

export const cursor = (description = 'The nextCursor of the previous page.'): Schema => ({
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

/** A query string of these parameters only (an unknown one is a 400). */
export const query = (properties: Record<string, Schema> = {}): Schema => ({ type: 'object', additionalProperties: false, properties });

export const pathParams = (properties: Record<string, Schema>): Schema => ({
  type: 'object',
  required: Object.keys(properties),
  additionalProperties: false,
  properties,
});
