import { AppError } from '@hookstream/core';

/** An error with an HTTP status that is safe to show to the caller as `{ code, message }`. */
export class HttpError extends AppError {
  constructor(statusCode: number, code: string, message: string) {
    super(code, statusCode, message, { retryable: false });
  }

  get statusCode(): number {
    return this.httpStatus;
  }
}

/** 400 whose message names the parameter first: "limit: must be an integer between 1 and 1000". */
export function badRequest(param: string, why: string): HttpError {
  return new HttpError(400, 'BAD_REQUEST', `${param}: ${why}`);
}

export function notFound(message: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', message);
}

export function forbidden(message: string): HttpError {
  return new HttpError(403, 'FORBIDDEN', message);
}
