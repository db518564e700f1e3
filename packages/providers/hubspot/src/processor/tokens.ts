import { createOAuthClient } from '../oauth/client.js';
import { createPortalTokenRepository } from '../store/portal-token-repository.js';
import { createTokenCipher } from '../oauth/cipher.js';
import { createTokenProvider, type TokenProvider } from '../oauth/token-provider.js';
import type { Logger } from '@hookstream/observability';
import type { DataSource } from '@hookstream/store';
import type { HubSpotProcessorConfig } from '../settings/processor.js';

/**
 * The processor's access tokens per portal: OAuth installs from the database (when
 * HUBSPOT_CLIENT_ID is set) and/or the private-app token, for HUBSPOT_PORTAL_ID or, when that
 * is unset, for every portal without an install.
 */
export function createProcessorTokens(config: HubSpotProcessorConfig, dataSource: DataSource, log: Logger, now: () => number): TokenProvider {
  const oauth =
    config.HUBSPOT_CLIENT_ID && config.HUBSPOT_CLIENT_SECRET && config.TOKEN_ENCRYPTION_KEY
      ? {
          client: createOAuthClient({ baseUrl: config.HUBSPOT_API_BASE_URL, clientId: config.HUBSPOT_CLIENT_ID, clientSecret: config.HUBSPOT_CLIENT_SECRET }),
          repository: createPortalTokenRepository(dataSource),
          cipher: createTokenCipher({ key: config.TOKEN_ENCRYPTION_KEY, previousKeys: config.TOKEN_ENCRYPTION_PREVIOUS_KEYS }),
        }
      : undefined;
  return createTokenProvider({
    staticToken: config.HUBSPOT_ACCESS_TOKEN,
    staticPortalId: config.HUBSPOT_PORTAL_ID,
    oauth,
    log: log.child({ component: 'hubspot-tokens' }),
    now,
  });
}
