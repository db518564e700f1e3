import { Ajv, type ErrorObject } from 'ajv';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { AppError } from '@hookstream/core';
import { schemas } from '@hookstream/pipeline';

/**
 * Request validation of the route schemas: one Ajv for every route of the app (providers' and
 * other plugins' too, by inheritance), and the formatter that turns a failure into the
 * `{code, message}` answer the hand parsers gave ("limit: must be an integer between 1 and 1000").
 */

/** A schema's own message for its failures, in the parameter's words (an OpenAPI extension, ignored by tools). */
export const ERROR_KEYWORD = schemas.ERROR_KEYWORD;
/**
 * On a body schema: the handler validates the body itself (zod or a hand check that reports
 * every failure with its pointer), so Ajv, which stops at the first failure, does not.
 */
export const HANDLER_VALIDATES = 'x-validated-by-handler';

type SchemaPart = 'body' | 'querystring' | 'params' | 'headers';

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const ajv = new Ajv({
    // Query and path values are strings: "5" reads as 5 for an integer; a repeated parameter is an array and fails.
    coerceTypes: 'array',
    useDefaults: true,
    // An unknown parameter is refused, never silently dropped (a typo must not widen a read).
    removeAdditional: false,
    // Stop at the first failure: errors of every property of a hostile request cost time (Fastify's default too).
    allErrors: false,
    // Each error carries the schema it failed, so the formatter can answer that schema's own message.
    verbose: true,
    keywords: [ERROR_KEYWORD, HANDLER_VALIDATES],
    // A doubtful schema fails at start-up (every route compiles then) instead of warning on the
    // console, which no service writes to; nothing is left for Ajv's logger to say.
    strict: true,
    logger: false,
  });
  return ({ schema, httpPart }) => {
    const s = schema as Record<string, unknown>;
    if (httpPart === 'body' && s[HANDLER_VALIDATES] === true) return () => true;
    // Ajv's function answers false and keeps its errors on itself, as Fastify expects.
    const validate = ajv.compile(s);
    return httpPart === 'params' || httpPart === 'querystring' ? finiteNumbersOnly(validate, s) : validate;
  };
}

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null | undefined };

/**
 * Ajv (8.x) coerces the strings "Infinity" and "1e400" to Infinity for an integer, and then
 * skips the bounds, which it applies to finite numbers only: `/contacts/Infinity/lifecycle`
 * reached the database and answered 500. A parameter that coerced to a non-finite number fails
 * as its schema's own type failure ("must be a positive integer").
 */
function finiteNumbersOnly(validate: Validate, schema: Record<string, unknown>): Validate {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const checked: Validate = (data) => {
    if (!validate(data)) {
      checked.errors = validate.errors;
      return false;
    }
    const bad = Object.entries((data ?? {}) as Record<string, unknown>).find(([, v]) => [v].flat().some((x) => typeof x === 'number' && !Number.isFinite(x)));
    checked.errors = bad ? [nonFiniteError(bad[0], bad[1], properties[bad[0]])] : null;
    return !bad;
  };
  return checked;
}

function nonFiniteError(name: string, data: unknown, parentSchema: unknown): ErrorObject {
  const pointer = `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return {
    instancePath: pointer,
    schemaPath: `#/properties${pointer}/type`,
    keyword: 'type',
    params: { type: 'integer' },
    message: 'must be finite',
    data,
    parentSchema: parentSchema as ErrorObject['parentSchema'],
  };
}

/**
 * The hand parsers' 400 (pipeline's badRequest) as a plain AppError: Fastify sets `statusCode`
 * on what the formatter returns, which badRequest's read-only getter would refuse.
 */
const badRequest = (param: string, why: string): AppError => new AppError('BAD_REQUEST', 400, `${param}: ${why}`, { retryable: false });

const printable = (name: string): string => {
  const clean = name.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
};

/** `/a~1b` → `a/b` (a JSON pointer's first token: the parameter). */
const nameAt = (pointer: string): string => (pointer.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');

const enumText = (values: readonly unknown[]): string =>
  values.length === 2 ? `${String(values[0])} or ${String(values[1])}` : `one of ${values.map(String).join(', ')}`;

/** A failure in plain words when the schema has no message of its own. */
function why(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return Array.isArray(e.data) ? 'must be given once' : p.type === 'integer' ? 'must be an integer' : `must be ${String(p.type)}`;
    case 'enum':
      return `must be ${enumText(p.allowedValues as unknown[])}`;
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters`;
    default:
      return 'invalid value';
  }
}

/** One schema failure → the 400 the hand parsers answered: `<param>: <why>`, code BAD_REQUEST. */
function parameterError(e: ErrorObject): AppError {
  if (e.keyword === 'additionalProperties')
    return badRequest(printable(String((e.params as { additionalProperty: unknown }).additionalProperty)), 'unknown parameter');
  if (e.keyword === 'required') return badRequest(printable(String((e.params as { missingProperty: unknown }).missingProperty)), 'is required');
  const name = printable(nameAt(e.instancePath));
  // A repeated parameter fails whatever its type: say so, not what the type is.
  if (Array.isArray(e.data)) return badRequest(name, 'must be given once');
  const own = (e.parentSchema as Record<string, unknown> | undefined)?.[ERROR_KEYWORD];
  return badRequest(name, typeof own === 'string' ? own : why(e));
}

/** A body failure (only bodies the handler does not validate itself): 422 invalid_request with its pointer, as the handlers answer. */
function bodyError(e: ErrorObject): AppError {
  const path = e.keyword === 'required' ? `${e.instancePath}/${String((e.params as { missingProperty: unknown }).missingProperty)}` : e.instancePath;
  const own = (e.parentSchema as Record<string, unknown> | undefined)?.[ERROR_KEYWORD];
  const message = e.keyword === 'required' ? 'is required' : typeof own === 'string' ? own : why(e);
  return new AppError('invalid_request', 422, `invalid request body (${path || 'body'}: ${message})`, { errors: [{ path, message }] });
}

/** Fastify's schemaErrorFormatter: the first failure, as the error handler answers it (`{code, message}`). */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], part: string): Error {
  const first = errors[0] as ErrorObject | undefined;
  if (!first) return badRequest(part, 'invalid value');
  return (part as SchemaPart) === 'body' ? bodyError(first) : parameterError(first);
}
