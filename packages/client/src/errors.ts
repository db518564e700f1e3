/** A non-2xx answer from the events-api (or no answer: status 0, code NETWORK_ERROR / TIMEOUT). */
export class EventsApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Worth retrying later: network failures, 429 and 5xx other than 500/501. */
  readonly retryable: boolean;
  constructor(status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EventsApiError';
    this.status = status;
    this.code = code;
    this.retryable = status === 0 || status === 429 || status === 502 || status === 503 || status === 504;
  }
}
