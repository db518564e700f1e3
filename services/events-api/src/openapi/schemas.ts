import { schemas } from '@hookstream/pipeline';
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

// The pieces the providers' routes use too live in the pipeline.
export const { cursor, limit, order, positiveInt, time, query, pathParams } = schemas;

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
