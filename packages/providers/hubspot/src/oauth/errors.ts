import { HubSpotApiError, type HubSpotApiErrorOptions } from '../batch-read/errors.js';

/**
 * How a failed token-endpoint call should be treated:
 * - `revoked`: the grant is gone (uninstalled, revoked, portal deleted); only a new install helps.
 * - `config`: our client id/secret/redirect URI is wrong; an operator must fix it. The portal is
 *   NOT marked invalid, so a rotated client secret cannot invalidate every installed portal.
 * - `transient`: 429, 5xx, network; try again later.
 */
export type OAuthFailureKind = 'revoked' | 'config' | 'transient';

const CODES: Record<OAuthFailureKind, string> = {
  revoked: 'HUBSPOT_OAUTH_REVOKED',
  config: 'HUBSPOT_OAUTH_CONFIG',
  transient: 'HUBSPOT_OAUTH_UNAVAILABLE',
};

export class HubSpotOAuthError extends HubSpotApiError {
  readonly kind: OAuthFailureKind;
  /** HubSpot's `error` / `status` fields, when it sent them (e.g. invalid_grant, BAD_REFRESH_TOKEN). */
  readonly oauthError?: string;

  constructor(message: string, kind: OAuthFailureKind, options: HubSpotApiErrorOptions & { oauthError?: string } = {}) {
    super(message, CODES[kind], kind === 'transient', options);
    this.kind = kind;
    if (options.oauthError !== undefined) this.oauthError = options.oauthError;
  }
}

/** The `state` of an OAuth callback is missing, forged, expired or not bound to this browser. */
export class OAuthStateError extends Error {
  readonly code = 'OAUTH_STATE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'OAuthStateError';
  }
}

export type TokenCipherErrorCode = 'TOKEN_KEY_INVALID' | 'TOKEN_KEY_UNKNOWN' | 'TOKEN_FORMAT' | 'TOKEN_DECRYPT_FAILED';

/** A token could not be sealed or opened; retrying will not help until the key configuration changes. */
export class TokenCipherError extends Error {
  readonly code: TokenCipherErrorCode;
  readonly retryable = false;
  constructor(code: TokenCipherErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenCipherError';
    this.code = code;
  }
}
