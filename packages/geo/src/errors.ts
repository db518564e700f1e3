import { AppError, type FieldError } from '@hookstream/core';

/** At most this many problems are reported: a 2,000-point ring of strings must not become 2,000 messages. */
export const MAX_REPORTED_ERRORS = 100;

/** RFC 6901: `~` and `/` inside a token are escaped, so a pointer always splits back unambiguously. */
export function toPointer(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const token of path) out += `/${String(token).replaceAll('~', '~0').replaceAll('/', '~1')}`;
  return out;
}

/** A geofence body that is not a valid shape: 422 with the JSON pointer of every problem (capped). */
export function invalidGeofence(errors: readonly FieldError[]): AppError {
  const list = errors.slice(0, MAX_REPORTED_ERRORS);
  const first = list[0];
  const head = first ? `${first.path === '' ? '' : `${first.path}: `}${first.message}` : 'invalid';
  const rest = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return new AppError('invalid_geofence', 422, `invalid geofence: ${head}${rest}`, { errors: list, retryable: false });
}
