/** One failure of a request field or event: a JSON pointer (RFC 6901) and what is wrong there. */
export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  cause?: unknown;
  /** Seconds a client should wait before retrying (sent as Retry-After). */
  retryAfterSec?: number;
  /** Per-field failures, answered as `errors` next to code and message. */
  errors?: FieldError[];
}

/**
 * The one error root of the project. `code` is stable and machine-readable, `httpStatus` is
 * what an HTTP host answers, and `retryable` says whether doing the same thing again can
 * succeed (a broker or database outage) or never will (bad input).
 */
export class AppError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly retryAfterSec: number | undefined;
  readonly errors: FieldError[] | undefined;

  constructor(code: string, httpStatus: number, message: string, options: AppErrorOptions & { retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = httpStatus;
    this.retryable = options.retryable ?? httpStatus >= 500;
    this.retryAfterSec = options.retryAfterSec;
    this.errors = options.errors;
  }

  /** The `{ code, message, errors? }` body every HTTP host answers with. */
  toJSON(): { code: string; message: string; errors?: FieldError[] } {
    return this.errors ? { code: this.code, message: this.message, errors: this.errors } : { code: this.code, message: this.message };
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;
