import { AppError, type FieldError } from '@hookstream/core';

/** At most this many problems are reported: a flood of bad fields must not become a flood of text. */
export const MAX_REPORTED_ERRORS = 100;

/**
 * The refusals every provider's webhook route answers, one shape for all: 404 for an
 * undeclared source, 401 for bad credentials, 400 for a body that is no JSON, 422 with a JSON
 * pointer per problem. None is retryable: the same request will never succeed.
 */
export const sourceNotFound = (provider: string, name: string): AppError =>
  new AppError('SOURCE_NOT_FOUND', 404, `no ${provider} source named ${JSON.stringify(name.slice(0, 64))}`, { retryable: false });

export const invalidCredentials = (reason: string): AppError => new AppError('INVALID_CREDENTIALS', 401, reason, { retryable: false });

export const malformedBody = (message: string): AppError => new AppError('BAD_REQUEST', 400, message, { retryable: false });

/** `what` names the refused thing in the message ("deal webhook", "location webhook"). */
export function validationFailed(what: string, errors: readonly FieldError[]): AppError {
  const list = errors.slice(0, MAX_REPORTED_ERRORS);
  const first = list[0];
  const head = first ? `${first.path === '' ? '' : `${first.path}: `}${first.message}` : 'invalid';
  const rest = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new AppError('VALIDATION_FAILED', 422, `${what} refused: ${head}${rest}`, { errors: list, retryable: false });
}
