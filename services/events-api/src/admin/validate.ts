import type { z } from 'zod';
import { AppError, type FieldError } from '@hookstream/core';
import { escapePointerToken, toPointer } from '@hookstream/pipeline';

type RawIssue = z.core.$ZodRawIssue;

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v);
const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
const unit = (origin: string): string => (origin === 'string' ? ' characters' : origin === 'array' ? ' items' : '');

/** Short messages in a JSON client's words; a schema's own `{ error }` still wins. */
function message(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int' && typeof issue.input === 'number') return 'must be an integer';
      return issue.input === undefined ? 'is required' : `expected ${article(issue.expected)}, got ${kind(issue.input)}`;
    case 'unrecognized_keys':
      return 'unknown field';
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${unit(issue.origin)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${unit(issue.origin)}`;
    default:
      return undefined;
  }
}

/** Every failure with its JSON pointer; an unknown field is reported at its own path, one per field. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((i) => {
    const at = toPointer(i.path.map((p) => (typeof p === 'number' ? p : String(p))));
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: `${at}/${escapePointerToken(k)}`, message: i.message }));
    return [{ path: at, message: i.message }];
  });
}

/** A 422 listing every failure of the request body, each with its path. */
export function invalidBody(what: string, errors: FieldError[]): AppError {
  const first = errors[0];
  const summary = first ? ` (${first.path || 'body'}: ${first.message}${errors.length > 1 ? `, and ${errors.length - 1} more` : ''})` : '';
  return new AppError('invalid_request', 422, `invalid ${what}${summary}`, { errors });
}

/** Parses a JSON body against `schema`; a missing body is `{}` (every field optional is then fine). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const r = schema.safeParse(body ?? {}, { error: message });
  if (!r.success) throw invalidBody(what, fieldErrors(r.error.issues));
  return r.data;
}
