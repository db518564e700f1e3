import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** The fake's OAuth app. The defaults let a local fleet use the fake without configuring one. */
export interface FakeOAuthOptions {
  /** @default 'fake-client-id' */
  clientId?: string;
  /** @default 'fake-client-secret' */
  clientSecret?: string;
  /** HubSpot's access tokens live 30 minutes. @default 1800 */
  accessTokenTtlSec?: number;
  /** Leave `hub_id` out of token answers (older/other shapes), so clients must ask the info endpoint. */
  omitHubId?: boolean;
  appId?: number;
}

export interface FakeOAuthCall {
  path: string;
  grantType: string;
  status: number;
  portalId?: number;
  at: number;
}

export interface FakeOAuth {
  readonly clientId: string;
  readonly clientSecret: string;
  /** What HubSpot does when a user approves the install: returns the code it would send to redirect_uri. */
  authorize(portalId: number, opts: { redirectUri: string; hubDomain?: string; scopes?: readonly string[] }): string;
  /** Uninstall/revoke: the portal's refresh tokens answer BAD_REFRESH_TOKEN and its access tokens stop working. */
  revoke(portalId: number): void;
  /** Every issued access token (of one portal) expires now. */
  expireAccessTokens(portalId?: number): void;
  /** The next `count` token-endpoint calls answer `status` (e.g. 503) instead. */
  failNext(count: number, status: number): void;
  /** 'valid' with its portal, or why it is not. */
  checkAccessToken(token: string): { state: 'valid'; portalId: number } | { state: 'expired' | 'revoked' | 'unknown' };
  readonly calls: FakeOAuthCall[];
}

interface Install {
  portalId: number;
  hubDomain: string;
  scopes: string[];
  revoked: boolean;
}

interface CodeGrant {
  portalId: number;
  redirectUri: string;
  hubDomain: string;
  scopes: string[];
  expiresAt: number;
}

const CODE_TTL_MS = 5 * 60_000;
const TOKEN_PATHS = ['/oauth/v1/token', '/oauth/v3/token', '/oauth/2026-03/token', '/oauth/2026-09/token'];

function oauthError(error: string, status: string, message: string) {
  return { status, message, error, error_description: message, correlationId: randomUUID() };
}

export function registerFakeOAuth(app: FastifyInstance, opts: FakeOAuthOptions, now: () => number): FakeOAuth {
  const clientId = opts.clientId ?? 'fake-client-id';
  const clientSecret = opts.clientSecret ?? 'fake-client-secret';
  const ttlSec = opts.accessTokenTtlSec ?? 1800;
  const codes = new Map<string, CodeGrant>();
  /** refresh token -> install */
  const refreshTokens = new Map<string, Install>();
  const accessTokens = new Map<string, { install: Install; expiresAt: number }>();
  const faults: number[] = [];
  const calls: FakeOAuthCall[] = [];

  const issueAccess = (install: Install) => {
    const token = `fake-at-${install.portalId}-${randomUUID()}`;
    accessTokens.set(token, { install, expiresAt: now() + ttlSec * 1000 });
    return token;
  };
  const grantBody = (install: Install, refreshToken: string) => ({
    token_type: 'bearer',
    refresh_token: refreshToken,
    access_token: issueAccess(install),
    expires_in: ttlSec,
    ...(opts.omitHubId ? {} : { hub_id: install.portalId, scopes: install.scopes }),
    token_use: 'access_token',
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  for (const path of TOKEN_PATHS) {
    app.post<{ Body: Record<string, string> | undefined }>(path, async (req, reply) => {
      const form = req.body ?? {};
      const grantType = form.grant_type ?? '';
      const answer = (status: number, body: unknown, portalId?: number) => {
        calls.push({ path, grantType, status, at: now(), ...(portalId === undefined ? {} : { portalId }) });
        return reply.code(status).send(body);
      };
      const fault = faults.shift();
      if (fault !== undefined) return answer(fault, { status: 'error', message: 'internal error', correlationId: randomUUID(), category: 'INTERNAL_ERROR' });
      if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') !== true) {
        return answer(400, oauthError('invalid_request', 'BAD_REQUEST', 'expected application/x-www-form-urlencoded'));
      }
      if (form.client_id !== clientId) return answer(400, oauthError('invalid_client', 'BAD_CLIENT_ID', 'missing or invalid client id'));
      if (form.client_secret !== clientSecret) return answer(400, oauthError('invalid_client', 'BAD_CLIENT_SECRET', 'missing or invalid client secret'));

      if (grantType === 'authorization_code') {
        const grant = codes.get(form.code ?? '');
        // Codes are single-use: delete before anything else can fail.
        codes.delete(form.code ?? '');
        if (!grant || grant.expiresAt < now()) return answer(400, oauthError('invalid_grant', 'BAD_AUTH_CODE', 'missing or unknown auth code'));
        if (form.redirect_uri !== grant.redirectUri)
          return answer(400, oauthError('invalid_grant', 'BAD_REDIRECT_URI', 'redirect_uri does not match the one used to authorize'));
        const install: Install = { portalId: grant.portalId, hubDomain: grant.hubDomain, scopes: grant.scopes, revoked: false };
        const refreshToken = `na1-${randomUUID()}`;
        refreshTokens.set(refreshToken, install);
        return answer(200, grantBody(install, refreshToken), install.portalId);
      }
      if (grantType === 'refresh_token') {
        const install = refreshTokens.get(form.refresh_token ?? '');
        if (!install || install.revoked) {
          return answer(400, oauthError('invalid_grant', 'BAD_REFRESH_TOKEN', 'refresh token is invalid, expired or revoked'), install?.portalId);
        }
        // HubSpot has been seen to return the same refresh token; clients must handle both.
        return answer(200, grantBody(install, form.refresh_token as string), install.portalId);
      }
      return answer(400, oauthError('unsupported_grant_type', 'BAD_GRANT_TYPE', `unsupported grant_type "${grantType}"`));
    });
  }

  app.get<{ Params: { token: string } }>('/oauth/v1/access-tokens/:token', async (req, reply) => {
    const hit = accessTokens.get(req.params.token);
    if (!hit || hit.install.revoked)
      return reply.code(404).send({ status: 'error', message: 'Token not found', correlationId: randomUUID(), category: 'OBJECT_NOT_FOUND' });
    const left = Math.floor((hit.expiresAt - now()) / 1000);
    if (left <= 0)
      return reply
        .code(401)
        .send({ status: 'error', message: 'The OAuth token used to make this call expired', correlationId: randomUUID(), category: 'EXPIRED_AUTHENTICATION' });
    return {
      token: req.params.token,
      user: `admin@${hit.install.hubDomain}`,
      hub_domain: hit.install.hubDomain,
      scopes: hit.install.scopes,
      hub_id: hit.install.portalId,
      app_id: opts.appId ?? 1160452,
      expires_in: left,
      user_id: 123,
      token_type: 'access',
    };
  });

  return {
    clientId,
    clientSecret,
    authorize(portalId, a) {
      const code = `fake-code-${randomUUID()}`;
      codes.set(code, {
        portalId,
        redirectUri: a.redirectUri,
        hubDomain: a.hubDomain ?? `portal-${portalId}.hubspot.com`,
        scopes: [...(a.scopes ?? ['oauth', 'crm.objects.contacts.read'])],
        expiresAt: now() + CODE_TTL_MS,
      });
      return code;
    },
    revoke(portalId) {
      for (const install of refreshTokens.values()) if (install.portalId === portalId) install.revoked = true;
    },
    expireAccessTokens(portalId) {
      for (const t of accessTokens.values()) if (portalId === undefined || t.install.portalId === portalId) t.expiresAt = now() - 1;
    },
    failNext(count, status) {
      for (let i = 0; i < count; i++) faults.push(status);
    },
    checkAccessToken(token) {
      const hit = accessTokens.get(token);
      if (!hit) return { state: 'unknown' };
      if (hit.install.revoked) return { state: 'revoked' };
      if (hit.expiresAt <= now()) return { state: 'expired' };
      return { state: 'valid', portalId: hit.install.portalId };
    },
    calls,
  };
}
