import { AppError, type FieldError } from '@hookstream/core';

/** At most this many problems are reported: a flood of bad fields must not become a flood of text. */
export const MAX_REPORTED_ERRORS = 100;

export const sourceNotFound = (name: string): AppError =>
  new AppError('SOURCE_NOT_FOUND', 404, `no location source named ${JSON.stringify(name.slice(0, 64))}`, { retryable: false });

export const invalidCredentials = (reason: string): AppError => new AppError('INVALID_CREDENTIALS', 401, reason, { retryable: false });

export const badRequest = (message: string): AppError => new AppError('BAD_REQUEST', 400, message, { retryable: false });

/** JSON, but no location webhook: every problem with its JSON pointer in the body. */
export function validationFailed(errors: readonly FieldError[]): AppError {
  const list = errors.slice(0, MAX_REPORTED_ERRORS);
  const first = list[0];
  const head = first ? `${first.path === '' ? '' : `${first.path}: `}${first.message}` : 'invalid';
  const rest = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new AppError('VALIDATION_FAILED', 422, `location webhook refused: ${head}${rest}`, { errors: list, retryable: false });
}
