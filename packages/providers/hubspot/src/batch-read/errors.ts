export interface HubSpotApiErrorOptions {
  status?: number | undefined;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

/**
 * Base of every error the CRM client throws. `retryable` tells the caller whether trying the
 * same read later can succeed; `retryAfterMs` (when set) is the earliest sensible moment.
 */
export class HubSpotApiError extends Error {
  readonly code: string;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(message: string, code: string, retryable: boolean, options: HubSpotApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** 5xx, 423 or network failures that outlasted our retries. */
export class HubSpotUnavailableError extends HubSpotApiError {
  constructor(message: string, options: HubSpotApiErrorOptions = {}) {
    super(message, 'HUBSPOT_UNAVAILABLE', true, options);
  }
}

/** 429 we could not (or must not) wait out here; retryAfterMs says when to come back. */
export class HubSpotRateLimitedError extends HubSpotApiError {
  constructor(message: string, options: HubSpotApiErrorOptions = {}) {
    super(message, 'HUBSPOT_RATE_LIMITED', true, options);
  }
}

/** 401/403: the token is invalid, expired or lacks the scope. Retrying now will not help. */
export class HubSpotAuthError extends HubSpotApiError {
  constructor(message: string, options: HubSpotApiErrorOptions = {}) {
    super(message, 'HUBSPOT_AUTH', false, options);
  }
}

/**
 * No access token for the portal. `retryable` (awaitingInstall) when an OAuth install can still
 * supply one, so its events wait as pending; otherwise nothing configured ever could.
 */
export class HubSpotNoTokenError extends HubSpotApiError {
  constructor(message: string, options: HubSpotApiErrorOptions & { awaitingInstall?: boolean } = {}) {
    super(message, 'HUBSPOT_NO_TOKEN', options.awaitingInstall === true, options);
  }
}

/** Any other 4xx, or a request we refuse to send (e.g. an object type the CRM API lacks). */
export class HubSpotBadRequestError extends HubSpotApiError {
  constructor(message: string, options: HubSpotApiErrorOptions = {}) {
    super(message, 'HUBSPOT_BAD_REQUEST', false, options);
  }
}
