import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { buildAuthorizeUrl, type StateSigner } from '../oauth/authorize.js';
import { HubSpotOAuthError, OAuthStateError } from '../oauth/errors.js';
import { completeInstall, type InstallDeps, type InstalledPortal } from '../oauth/install.js';
import type { Logger } from '@hookstream/observability';

export interface OAuthRouteOptions {
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  optionalScopes: readonly string[];
  authorizeUrl: string;
  signer: StateSigner;
  /** Resolves the install dependencies; the database is opened on first use, never at start-up. */
  installDeps: () => Promise<InstallDeps>;
  /** After a successful install (e.g. make the portal's waiting events due); returns events rescheduled. */
  onInstalled: (portal: InstalledPortal) => Promise<number>;
  log: Logger;
}

const COOKIE = 'hookstream_oauth_state';

function cookieValue(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function answer(req: FastifyRequest, reply: FastifyReply, status: number, body: Record<string, unknown>, title: string, text: string) {
  if ((req.headers.accept ?? '').includes('text/html')) {
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
  }
  return reply.code(status).send(body);
}

/**
 * The HubSpot OAuth install flow. It lives on the edge because the edge is the public service
 * and already holds the app's client secret; it is its own plugin with no hook on the webhook
 * route, and its database is opened lazily, so webhook latency and readiness do not depend on it.
 */
export const oauthRoutes: FastifyPluginAsync<OAuthRouteOptions> = async (app, o) => {
  const secureCookie = o.redirectUri.startsWith('https:');
  const cookie = (value: string, maxAgeSec: number) =>
    `${COOKIE}=${encodeURIComponent(value)}; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}${secureCookie ? '; Secure' : ''}`;

  app.get('/oauth/install', async (_req, reply) => {
    const { state, nonce } = o.signer.issue();
    const location = buildAuthorizeUrl({
      authorizeUrl: o.authorizeUrl,
      clientId: o.clientId,
      redirectUri: o.redirectUri,
      scopes: o.scopes,
      optionalScopes: o.optionalScopes,
      state,
    });
    return reply.code(302).header('set-cookie', cookie(nonce, 600)).header('cache-control', 'no-store').header('location', location).send();
  });

  app.get<{ Querystring: { code?: string; state?: string; error?: string; error_description?: string } }>('/oauth/callback', async (req, reply) => {
    const q = req.query;
    reply.header('cache-control', 'no-store');
    if (q.error) {
      const message = q.error_description ?? q.error;
      return answer(req, reply, 400, { code: 'OAUTH_DENIED', message }, 'Install cancelled', `HubSpot did not authorize the app: ${message}`);
    }
    try {
      o.signer.verify(q.state, cookieValue(req, COOKIE));
    } catch (err) {
      if (!(err instanceof OAuthStateError)) throw err;
      req.log.warn({ reason: err.message }, 'OAuth callback with an invalid state');
      return answer(
        req,
        reply,
        400,
        { code: err.code, message: err.message },
        'Install link expired or invalid',
        `${err.message}. Start again from /oauth/install.`,
      );
    }
    if (!q.code) return answer(req, reply, 400, { code: 'BAD_REQUEST', message: 'code: required' }, 'Install failed', 'HubSpot sent no authorization code.');
    reply.header('set-cookie', cookie('', 0));
    let installed: InstalledPortal;
    try {
      installed = await completeInstall(await o.installDeps(), { code: q.code, redirectUri: o.redirectUri });
    } catch (err) {
      if (err instanceof HubSpotOAuthError && err.kind === 'revoked') {
        return answer(
          req,
          reply,
          400,
          { code: 'OAUTH_CODE_REJECTED', message: err.message },
          'Install failed',
          'HubSpot refused the authorization code (expired or already used). Start again from /oauth/install.',
        );
      }
      if (err instanceof HubSpotOAuthError && err.kind === 'config') {
        o.log.error({ err }, 'HubSpot refused our OAuth client configuration');
        return answer(
          req,
          reply,
          502,
          { code: 'OAUTH_CONFIG', message: err.message },
          'Install failed',
          'HubSpot refused the app credentials; the operator must check HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET and the redirect URL.',
        );
      }
      o.log.error({ err }, 'OAuth install could not be completed');
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ code: 'OAUTH_UNAVAILABLE', message: 'HubSpot or the token store is unavailable; start the install again shortly' });
    }
    let rescheduled = 0;
    try {
      rescheduled = await o.onInstalled(installed);
    } catch (err) {
      // The install is stored; waiting events will still be retried at their own time.
      o.log.warn({ err, portalId: installed.portalId }, 'could not reschedule the portal’s waiting events');
    }
    o.log.info({ portalId: installed.portalId, hubDomain: installed.hubDomain, scopes: installed.scopes, rescheduled }, 'HubSpot app installed');
    return answer(
      req,
      reply,
      200,
      { installed: true, portalId: installed.portalId, hubDomain: installed.hubDomain, scopes: installed.scopes, rescheduledEvents: rescheduled },
      'Hookstream installed',
      `Portal ${installed.portalId}${installed.hubDomain ? ` (${installed.hubDomain})` : ''} is connected. Its events are now enriched with its own token.`,
    );
  });
};
