import type { Logger } from '@hookstream/observability';
import { HubSpotAuthError, HubSpotNoTokenError } from '../batch-read/errors.js';
import type { TokenCipher } from './cipher.js';
import type { OAuthClient } from './client.js';
import { HubSpotOAuthError, TokenCipherError } from './errors.js';
import { tokenContext, type PortalTokenRepository } from './types.js';

export interface TokenProviderOptions {
  /** Private-app (or other static) token. */
  staticToken?: string | undefined;
  /** The one portal `staticToken` belongs to; unset = it serves every portal without an OAuth install. */
  staticPortalId?: number | undefined;
  /** OAuth installs stored in the database; unset = static token only. */
  oauth?: { client: OAuthClient; repository: PortalTokenRepository; cipher: TokenCipher } | undefined;
  log: Logger;
  now?: () => number;
  /** Refresh when less than this is left (HubSpot access tokens live 30 min). @default 5 min */
  refreshMarginMs?: number;
  /**
   * How long "this portal has no usable install" is remembered before the database is asked again.
   * @default 0: an install must take effect on the very next read (its waiting events are made due
   * at once); the lookup is one primary-key read per batch of an uninstalled portal.
   */
  missCacheMs?: number;
  /** Minimum time between refreshes forced by a 401 for one portal. @default 60 s */
  forcedRefreshIntervalMs?: number;
}

export interface TokenProvider {
  /**
   * The access token to use for a portal. Throws HubSpotNoTokenError when there is none: its
   * `retryable` is true when an OAuth install could still supply one (events wait as pending),
   * false when nothing configured ever could (events are skipped).
   */
  tokenFor(portalId: number): Promise<string>;
  /** HubSpot answered 401 to `token`: forget it; the next call refreshes (at most once a minute). */
  reportRejected(portalId: number, token: string): void;
}

type CacheEntry = { kind: 'token'; token: string; refreshAt: number } | { kind: 'none'; until: number; reason: string };

/**
 * Per-portal access tokens: an OAuth install (refreshed before expiry) when the portal has one,
 * else the static token if it applies to the portal.
 *
 * Refreshes are single-flight per portal inside a replica. Across replicas two may refresh the
 * same portal at about the same time: HubSpot refresh tokens stay valid after use and several
 * access tokens can be live at once, so that costs one extra token call and nothing breaks;
 * each replica re-reads the row first, so it uses a token another replica already stored.
 */
export function createTokenProvider(opts: TokenProviderOptions): TokenProvider {
  const now = opts.now ?? Date.now;
  const margin = opts.refreshMarginMs ?? 5 * 60_000;
  const missMs = opts.missCacheMs ?? 0;
  const forcedEvery = opts.forcedRefreshIntervalMs ?? 60_000;
  const cache = new Map<number, CacheEntry>();
  const inflight = new Map<number, Promise<string>>();
  const forceRefresh = new Set<number>();
  const lastForced = new Map<number, number>();

  const staticFor = (portalId: number): string | undefined =>
    opts.staticToken && (opts.staticPortalId === undefined || opts.staticPortalId === portalId) ? opts.staticToken : undefined;

  function noToken(portalId: number, reason: string): never {
    const awaitingInstall = opts.oauth !== undefined;
    const hint = awaitingInstall ? '; install the app for this portal (GET /oauth/install on the edge)' : '';
    throw new HubSpotNoTokenError(`no HubSpot token for portal ${portalId}: ${reason}${hint}`, { awaitingInstall });
  }

  async function resolve(portalId: number): Promise<string> {
    const oauth = opts.oauth;
    if (!oauth) {
      const t = staticFor(portalId);
      if (t) return t;
      return noToken(portalId, opts.staticToken ? `HUBSPOT_ACCESS_TOKEN belongs to portal ${opts.staticPortalId}` : 'HUBSPOT_ACCESS_TOKEN is not set');
    }
    const row = await oauth.repository.get(portalId);
    if (!row || row.status !== 'active') {
      const fallback = staticFor(portalId);
      if (fallback) {
        cache.set(portalId, { kind: 'token', token: fallback, refreshAt: now() + missMs });
        return fallback;
      }
      const reason = row ? `its install is invalid (${row.statusReason ?? 'refresh refused'})` : 'the app is not installed in it';
      cache.set(portalId, { kind: 'none', until: now() + missMs, reason });
      return noToken(portalId, reason);
    }
    const t = now();
    try {
      const forced = forceRefresh.delete(portalId);
      if (!forced && row.accessTokenCiphertext && row.accessExpiresAt !== null && row.accessExpiresAt - margin > t) {
        const token = oauth.cipher.open(row.accessTokenCiphertext, tokenContext.access(portalId));
        cache.set(portalId, { kind: 'token', token, refreshAt: row.accessExpiresAt - margin });
        return token;
      }
      const refreshToken = oauth.cipher.open(row.refreshTokenCiphertext, tokenContext.refresh(portalId));
      let grant;
      try {
        grant = await oauth.client.refresh(refreshToken);
      } catch (err) {
        if (err instanceof HubSpotOAuthError && err.kind === 'revoked') {
          opts.log.warn({ portalId, oauthError: err.oauthError }, 'HubSpot refused the refresh token; portal marked invalid until it is installed again');
          await oauth.repository.markInvalid(portalId, err.message.slice(0, 500), now());
          cache.set(portalId, { kind: 'none', until: now() + missMs, reason: 'HubSpot refused its refresh token (app uninstalled or access revoked)' });
          return noToken(portalId, 'HubSpot refused its refresh token (app uninstalled or access revoked)');
        }
        if (err instanceof HubSpotOAuthError && err.kind === 'config') {
          // Our client id/secret is wrong: every portal is affected and a person must fix it.
          throw new HubSpotAuthError(`cannot refresh HubSpot token for portal ${portalId}: ${err.message} (check HUBSPOT_CLIENT_ID / HUBSPOT_CLIENT_SECRET)`, {
            cause: err,
          });
        }
        throw err;
      }
      const expiresAt = now() + grant.expiresInSec * 1000;
      const refreshAt = expiresAt - Math.max(margin, grant.expiresInSec * 100);
      const saved = {
        accessTokenCiphertext: oauth.cipher.seal(grant.accessToken, tokenContext.access(portalId)),
        accessExpiresAt: expiresAt,
        refreshTokenCiphertext: oauth.cipher.seal(grant.refreshToken ?? refreshToken, tokenContext.refresh(portalId)),
        encryptionKeyId: oauth.cipher.keyId,
        updatedAt: now(),
      };
      try {
        await oauth.repository.saveRefreshed(portalId, saved);
      } catch (err) {
        // The token works either way; other replicas will refresh for themselves.
        opts.log.warn({ err, portalId }, 'could not store refreshed HubSpot token');
      }
      cache.set(portalId, { kind: 'token', token: grant.accessToken, refreshAt });
      opts.log.debug({ portalId, expiresInSec: grant.expiresInSec }, 'HubSpot access token refreshed');
      return grant.accessToken;
    } catch (err) {
      if (err instanceof TokenCipherError) {
        // Wrong or missing key: waiting (pending) is right, a person has to fix the configuration.
        throw new HubSpotAuthError(`cannot open stored HubSpot token for portal ${portalId}: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }

  return {
    tokenFor(portalId) {
      const hit = cache.get(portalId);
      if (hit?.kind === 'token' && hit.refreshAt > now() && !forceRefresh.has(portalId)) return Promise.resolve(hit.token);
      if (hit?.kind === 'none' && hit.until > now()) return Promise.reject(catchNoToken(() => noToken(portalId, hit.reason)));
      const running = inflight.get(portalId);
      if (running) return running;
      const p = resolve(portalId).finally(() => inflight.delete(portalId));
      inflight.set(portalId, p);
      return p;
    },
    reportRejected(portalId, token) {
      const hit = cache.get(portalId);
      if (hit?.kind !== 'token' || hit.token !== token || token === staticFor(portalId)) return;
      const last = lastForced.get(portalId) ?? -Infinity;
      if (now() - last < forcedEvery) return;
      lastForced.set(portalId, now());
      cache.delete(portalId);
      forceRefresh.add(portalId);
    },
  };
}

function catchNoToken(fn: () => never): unknown {
  try {
    return fn();
  } catch (err) {
    return err;
  }
}
