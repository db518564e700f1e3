import { AppError, type FieldError } from '@hookstream/core';

/** The body cannot be read as a delivery at all: not UTF-8, not JSON, no events, too many. */
export function badRequest(message: string): AppError {
  return new AppError('BAD_REQUEST', 400, message, { retryable: false });
}

/**
 * One or more events are not acceptable. The whole delivery is refused, so a sender's retry
 * is all-or-nothing and no partial batch is half-stored.
 */
export function validationFailed(errors: FieldError[], truncated: boolean): AppError {
  const first = errors[0];
  const head = first ? `${first.path === '' ? '' : `${first.path}: `}${first.message}` : 'invalid';
  const rest = errors.length > 1 ? ` (and ${errors.length - 1}${truncated ? '+' : ''} more)` : '';
  return new AppError('VALIDATION_FAILED', 422, `delivery refused: ${head}${rest}`, { errors, retryable: false });
}
