/** An error with an HTTP status that is safe to show to the caller as `{ code, message }`. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  constructor(statusCode: number, code: string, message: string) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
  }
}

/** 400 whose message names the parameter first: "limit: must be an integer between 1 and 1000". */
export function badRequest(param: string, why: string): HttpError {
  return new HttpError(400, 'BAD_REQUEST', `${param}: ${why}`);
}

export function notFound(message: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', message);
}
