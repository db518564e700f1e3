import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { OAuthStateError } from './errors.js';

export const HUBSPOT_AUTHORIZE_URL = 'https://app.hubspot.com/oauth/authorize';

export interface AuthorizeUrlInput {
  /** @default HUBSPOT_AUTHORIZE_URL */
  authorizeUrl?: string;
  clientId: string;
  redirectUri: string;
  /** Must equal the app's required scopes; HubSpot refuses an install whose `scope` differs. */
  scopes: readonly string[];
  optionalScopes?: readonly string[];
  state: string;
}

/**
 * The install link. Spaces in scope lists are encoded as %20 like HubSpot's own SDK
 * (URLSearchParams would write `+`).
 */
export function buildAuthorizeUrl(input: AuthorizeUrlInput): string {
  const params: Array<[string, string]> = [
    ['client_id', input.clientId],
    ['redirect_uri', input.redirectUri],
    ['scope', input.scopes.join(' ')],
  ];
  if (input.optionalScopes && input.optionalScopes.length > 0) params.push(['optional_scope', input.optionalScopes.join(' ')]);
  params.push(['state', input.state]);
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `${input.authorizeUrl ?? HUBSPOT_AUTHORIZE_URL}?${query}`;
}

export interface StateSignerOptions {
  /** Any secret of the deployment (the edge uses the app client secret); a purpose-bound key is derived from it. */
  secret: string;
  now: () => number;
  /** @default 10 minutes */
  ttlMs?: number;
}

export interface IssuedState {
  /** Goes to HubSpot and comes back on the callback. */
  state: string;
  /** Goes into an HttpOnly cookie; the callback must present both. */
  nonce: string;
}

export interface StateSigner {
  issue(): IssuedState;
  /** Throws OAuthStateError unless `state` is ours, unexpired and carries `cookieNonce`. */
  verify(state: string | undefined, cookieNonce: string | undefined): void;
}

/**
 * CSRF protection for the install flow without server-side storage, so any edge replica can
 * serve the callback: `state` is an HMAC-signed, expiring nonce, and the same nonce sits in a
 * cookie of the browser that started the install. A callback with someone else's state (a
 * forged link, or a link lifted from another browser) lacks the cookie and is refused.
 */
export function createStateSigner(opts: StateSignerOptions): StateSigner {
  const key = createHmac('sha256', opts.secret).update('hookstream-oauth-state').digest();
  const ttl = opts.ttlMs ?? 10 * 60_000;
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest();

  return {
    issue() {
      const nonce = randomBytes(18).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ n: nonce, e: opts.now() + ttl })).toString('base64url');
      return { state: `${payload}.${mac(payload).toString('base64url')}`, nonce };
    },
    verify(state, cookieNonce) {
      if (!state) throw new OAuthStateError('missing state');
      const [payload, sig, extra] = state.split('.');
      if (!payload || !sig || extra !== undefined) throw new OAuthStateError('malformed state');
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new OAuthStateError('state was not issued by this app');
      let parsed: { n?: unknown; e?: unknown };
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { n?: unknown; e?: unknown };
      } catch {
        throw new OAuthStateError('malformed state');
      }
      if (typeof parsed.e !== 'number' || parsed.e < opts.now()) throw new OAuthStateError('state expired; start the install again');
      if (typeof parsed.n !== 'string' || !cookieNonce) throw new OAuthStateError('install was started in another browser (state cookie missing)');
      const a = Buffer.from(parsed.n);
      const b = Buffer.from(cookieNonce);
      if (a.length !== b.length || !timingSafeEqual(a, b)) throw new OAuthStateError('install was started in another browser (state cookie does not match)');
    },
  };
}
