import type { Logger } from '@hookstream/observability';
import type { TokenCipher } from './cipher.js';
import type { OAuthClient } from './client.js';
import { HubSpotOAuthError } from './errors.js';
import { tokenContext, type PortalTokenRepository } from './types.js';

export interface InstallDeps {
  client: OAuthClient;
  repository: PortalTokenRepository;
  cipher: TokenCipher;
  now: () => number;
  log: Logger;
}

export interface InstalledPortal {
  portalId: number;
  hubDomain: string | null;
  scopes: string[];
}

/**
 * Finishes an install: exchanges the authorization code, learns the portal id, and stores both
 * tokens sealed. The portal id comes from the token response's `hub_id`; the access-token info
 * endpoint is asked too (for the hub domain), and is required only when `hub_id` is missing.
 */
export async function completeInstall(deps: InstallDeps, input: { code: string; redirectUri: string }): Promise<InstalledPortal> {
  const grant = await deps.client.exchangeCode(input);
  if (grant.refreshToken === undefined) throw new HubSpotOAuthError('authorization code exchange: answer without refresh_token', 'transient');
  let portalId = grant.hubId;
  let hubDomain: string | null = null;
  let scopes = grant.scopes ?? [];
  try {
    const info = await deps.client.accessTokenInfo(grant.accessToken);
    if (portalId !== undefined && info.hubId !== portalId) {
      throw new HubSpotOAuthError(`token response says portal ${portalId} but token info says ${info.hubId}`, 'config');
    }
    portalId = info.hubId;
    hubDomain = info.hubDomain ?? null;
    if (scopes.length === 0) scopes = info.scopes;
  } catch (err) {
    if (portalId === undefined || (err instanceof HubSpotOAuthError && err.kind === 'config')) throw err;
    deps.log.warn({ err, portalId }, 'access token info unavailable; installing without the hub domain');
  }
  const t = deps.now();
  await deps.repository.upsert({
    portalId,
    hubDomain,
    refreshTokenCiphertext: deps.cipher.seal(grant.refreshToken, tokenContext.refresh(portalId)),
    accessTokenCiphertext: deps.cipher.seal(grant.accessToken, tokenContext.access(portalId)),
    accessExpiresAt: t + grant.expiresInSec * 1000,
    encryptionKeyId: deps.cipher.keyId,
    scopes,
    status: 'active',
    statusReason: null,
    installedAt: t,
    updatedAt: t,
  });
  return { portalId, hubDomain, scopes };
}
