import { HubSpotOAuthError, type OAuthFailureKind } from './errors.js';

/** What HubSpot's token endpoint grants (authorization code or refresh). */
export interface TokenGrant {
  accessToken: string;
  /** HubSpot may rotate it ("always use the latest one"); absent means keep the one you have. */
  refreshToken?: string;
  expiresInSec: number;
  /** The portal (hub) the token belongs to, when the response names it. */
  hubId?: number;
  scopes?: string[];
}

export interface AccessTokenInfo {
  hubId: number;
  hubDomain?: string;
  scopes: string[];
  appId?: number;
  expiresInSec?: number;
}

export interface OAuthClientOptions {
  /** e.g. https://api.hubapi.com */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /**
   * The v1 token endpoint is deprecated (announced 2026-05, sunset 2027-02-16); the date-versioned
   * one takes the same form body and answers with the same fields.
   * @default '/oauth/2026-03/token'
   */
  tokenPath?: string;
  /** @default 10_000 */
  timeoutMs?: number;
}

export interface OAuthClient {
  exchangeCode(input: { code: string; redirectUri: string }): Promise<TokenGrant>;
  refresh(refreshToken: string): Promise<TokenGrant>;
  /** GET /oauth/v1/access-tokens/{token}: the portal, domain and scopes behind an access token. */
  accessTokenInfo(accessToken: string): Promise<AccessTokenInfo>;
}

const REVOKED_ERRORS = new Set(['invalid_grant', 'access_denied']);
const REVOKED_STATUSES = new Set(['BAD_REFRESH_TOKEN', 'BAD_HUB', 'BAD_AUTH_CODE']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : undefined);

/**
 * Classifies a refused token call. Keyed on the RFC 6749 `error` first (HubSpot switched to it in
 * 2026-01 and keeps its older `status` for compatibility); anything unrecognised below 500 counts
 * as configuration, so an unknown answer can never mark every installed portal invalid.
 */
export function classifyTokenFailure(status: number, body: unknown): { kind: OAuthFailureKind; oauthError?: string; message: string } {
  const b = isRecord(body) ? body : {};
  const error = str(b.error);
  const hsStatus = str(b.status);
  const message = str(b.error_description) ?? str(b.message) ?? `HTTP ${status}`;
  const oauthError = error ?? hsStatus;
  const out = (kind: OAuthFailureKind) => (oauthError === undefined ? { kind, message } : { kind, oauthError, message });
  if (status === 429 || status === 423 || status === 477 || status >= 500) return out('transient');
  if ((error !== undefined && REVOKED_ERRORS.has(error)) || (hsStatus !== undefined && REVOKED_STATUSES.has(hsStatus))) return out('revoked');
  return out('config');
}

export function createOAuthClient(opts: OAuthClientOptions): OAuthClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const tokenUrl = `${base}${opts.tokenPath ?? '/oauth/2026-03/token'}`;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  async function call(url: string, init: RequestInit, what: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      throw new HubSpotOAuthError(`${what}: HubSpot unreachable`, 'transient', { cause });
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const f = classifyTokenFailure(res.status, body);
      throw new HubSpotOAuthError(`${what}: ${f.message}`, f.kind, { status: res.status, ...(f.oauthError ? { oauthError: f.oauthError } : {}) });
    }
    if (body === undefined) throw new HubSpotOAuthError(`${what}: unreadable ${res.status} answer`, 'transient', { status: res.status });
    return body;
  }

  async function token(form: Record<string, string>, what: string): Promise<TokenGrant> {
    // Secrets go in the form body, never in the URL (v1 also accepted them as query parameters).
    const body = await call(
      tokenUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ ...form, client_id: opts.clientId, client_secret: opts.clientSecret }).toString(),
      },
      what,
    );
    const b = isRecord(body) ? body : {};
    const accessToken = str(b.access_token);
    const expiresInSec = int(b.expires_in);
    if (accessToken === undefined || expiresInSec === undefined || expiresInSec <= 0) {
      throw new HubSpotOAuthError(`${what}: answer without access_token/expires_in`, 'transient');
    }
    const grant: TokenGrant = { accessToken, expiresInSec };
    const refreshToken = str(b.refresh_token);
    if (refreshToken !== undefined) grant.refreshToken = refreshToken;
    const hubId = int(b.hub_id);
    if (hubId !== undefined) grant.hubId = hubId;
    const scopes = strings(b.scopes);
    if (scopes !== undefined) grant.scopes = scopes;
    return grant;
  }

  return {
    exchangeCode: ({ code, redirectUri }) => token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, 'authorization code exchange'),
    refresh: (refreshToken) => token({ grant_type: 'refresh_token', refresh_token: refreshToken }, 'access token refresh'),
    async accessTokenInfo(accessToken) {
      const body = await call(
        `${base}/oauth/v1/access-tokens/${encodeURIComponent(accessToken)}`,
        { headers: { accept: 'application/json' } },
        'access token lookup',
      );
      const b = isRecord(body) ? body : {};
      const hubId = int(b.hub_id);
      if (hubId === undefined) throw new HubSpotOAuthError('access token lookup: answer without hub_id', 'transient');
      const info: AccessTokenInfo = { hubId, scopes: strings(b.scopes) ?? [] };
      const hubDomain = str(b.hub_domain);
      if (hubDomain !== undefined) info.hubDomain = hubDomain;
      const appId = int(b.app_id);
      if (appId !== undefined) info.appId = appId;
      const expiresInSec = int(b.expires_in);
      if (expiresInSec !== undefined) info.expiresInSec = expiresInSec;
      return info;
    },
  };
}
