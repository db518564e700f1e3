/** `invalid`: HubSpot refused the refresh token (uninstalled or revoked); only a new install revives it. */
export type PortalTokenStatus = 'active' | 'invalid';

/** One installed portal's tokens as stored; both tokens sealed with a TokenCipher. */
export interface PortalTokenRecord {
  portalId: number;
  hubDomain: string | null;
  refreshTokenCiphertext: string;
  accessTokenCiphertext: string | null;
  /** epoch ms */
  accessExpiresAt: number | null;
  /** Key the ciphertexts were sealed with (also inside them); lets operators find rows on an old key. */
  encryptionKeyId: string;
  scopes: string[];
  status: PortalTokenStatus;
  statusReason: string | null;
  installedAt: number;
  updatedAt: number;
}

export interface RefreshedTokens {
  accessTokenCiphertext: string;
  accessExpiresAt: number;
  /** Always re-sealed with the current key, so key rotation completes as tokens refresh. */
  refreshTokenCiphertext: string;
  encryptionKeyId: string;
  updatedAt: number;
}

/** Storage of portal tokens; @hookstream/store implements it on MySQL. */
export interface PortalTokenRepository {
  get(portalId: number): Promise<PortalTokenRecord | undefined>;
  /** Install or re-install: replaces the row and makes it active. */
  upsert(record: PortalTokenRecord): Promise<void>;
  /** Stores a refreshed access token; does nothing if the row was marked invalid meanwhile. */
  saveRefreshed(portalId: number, tokens: RefreshedTokens): Promise<void>;
  markInvalid(portalId: number, reason: string, at: number): Promise<void>;
  list(): Promise<PortalTokenRecord[]>;
}

/** AAD contexts: a ciphertext only opens in the column and row it was written for. */
export const tokenContext = {
  refresh: (portalId: number) => `hubspot_portal_tokens:refresh:${portalId}`,
  access: (portalId: number) => `hubspot_portal_tokens:access:${portalId}`,
};
