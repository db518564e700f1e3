import { databaseTls } from '@hookstream/config';
import { createDataSource, type DataSource } from '@hookstream/store';
import { createOAuthClient } from '../oauth/client.js';
import { createTokenCipher } from '../oauth/cipher.js';
import type { InstallDeps } from '../oauth/install.js';
import { createStateSigner } from '../oauth/authorize.js';
import { createPortalTokenRepository, makePortalEnrichmentDue } from '../store/portal-token-repository.js';
import type { Logger } from '@hookstream/observability';
import type { HubSpotEdgeConfig } from '../settings/edge.js';
import type { OAuthRouteOptions } from './oauth-routes.js';

export interface EdgeOAuth {
  routes: OAuthRouteOptions;
  /** Closes the database pool if the OAuth routes ever opened it. */
  close(): Promise<void>;
}

/**
 * OAuth install wiring for the edge, or undefined when HUBSPOT_CLIENT_ID is unset. The database
 * is connected on the first callback only: an edge that never
 * sees an install never opens a database connection, and a database outage cannot stop it
 * from starting or from taking webhooks.
 */
export function createEdgeOAuth(config: HubSpotEdgeConfig, log: Logger, now: () => number = Date.now): EdgeOAuth | undefined {
  const { HUBSPOT_CLIENT_ID: clientId, DATABASE_URL: url, TOKEN_ENCRYPTION_KEY: key } = config;
  if (!clientId || !url || !key) return undefined;
  const redirectUri = config.HUBSPOT_OAUTH_REDIRECT_URL ?? `${(config.PUBLIC_URL ?? '').replace(/\/+$/, '')}/oauth/callback`;
  // TLS files are read now, not on the first install: a bad one stops start-up naming the setting.
  const ssl = databaseTls(config);
  const cipher = createTokenCipher({ key });
  const client = createOAuthClient({ baseUrl: config.HUBSPOT_API_BASE_URL, clientId, clientSecret: config.HUBSPOT_CLIENT_SECRET });
  let opened: Promise<{ ds: DataSource }> | undefined;
  const open = () => {
    opened ??= (async () => {
      const ds = createDataSource({ url, log, poolSize: config.DATABASE_POOL_SIZE, ...(ssl ? { ssl } : {}) });
      await ds.initialize();
      return { ds };
    })().catch((err: unknown) => {
      opened = undefined;
      throw err;
    });
    return opened;
  };
  const oauthLog = log.child({ component: 'oauth' });
  return {
    routes: {
      clientId,
      redirectUri,
      scopes: config.HUBSPOT_OAUTH_SCOPES,
      optionalScopes: config.HUBSPOT_OAUTH_OPTIONAL_SCOPES,
      authorizeUrl: config.HUBSPOT_OAUTH_AUTHORIZE_URL,
      signer: createStateSigner({ secret: config.HUBSPOT_CLIENT_SECRET, now }),
      async installDeps(): Promise<InstallDeps> {
        const { ds } = await open();
        return { client, repository: createPortalTokenRepository(ds), cipher, now, log: oauthLog };
      },
      async onInstalled(portal) {
        const { ds } = await open();
        return makePortalEnrichmentDue(ds, portal.portalId, now());
      },
      log: oauthLog,
    },
    async close() {
      const o = opened;
      if (!o) return;
      const { ds } = await o.catch(() => ({ ds: undefined }));
      if (ds?.isInitialized) await ds.destroy();
    },
  };
}
