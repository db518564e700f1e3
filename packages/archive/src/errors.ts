import { AppError, type FieldError } from '@hookstream/core';

/** The store could not be reached or written: the caller must not acknowledge the request (503, retry later). */
export function archiveUnavailable(message: string, cause: unknown): AppError {
  return new AppError('ARCHIVE_UNAVAILABLE', 503, message, { cause, retryable: true });
}

/** A record the archive refuses to store: a caller bug, so retrying the same record never helps. */
export function invalidRecord(errors: FieldError[]): AppError {
  const first = errors[0];
  const summary = first ? `${first.path}: ${first.message}` : 'invalid record';
  return new AppError('ARCHIVE_INVALID_RECORD', 500, `the archive refuses this record (${summary})`, { errors, retryable: false });
}

/** Stored bytes that do not decode, or whose body does not match its recorded digest. */
export function archiveCorrupt(message: string, cause?: unknown): AppError {
  return new AppError('ARCHIVE_CORRUPT', 500, message, { cause, retryable: false });
}

export function archiveClosed(): AppError {
  return new AppError('ARCHIVE_CLOSED', 503, 'the archive store is closed', { retryable: false });
}
