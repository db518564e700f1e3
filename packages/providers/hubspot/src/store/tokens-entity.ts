import { EntitySchema } from 'typeorm';

/** The hubspot_portal_tokens row as TypeORM sees it (scopes space-separated). */
export interface PortalTokenRow {
  portalId: number;
  hubDomain: string | null;
  refreshTokenCiphertext: string;
  accessTokenCiphertext: string | null;
  accessExpiresAt: number | null;
  encryptionKeyId: string;
  scopes: string;
  status: string;
  statusReason: string | null;
  installedAt: number;
  updatedAt: number;
}

export const PortalTokenEntity = new EntitySchema<PortalTokenRow>({
  name: 'PortalToken',
  tableName: 'hubspot_portal_tokens',
  columns: {
    portalId: { type: 'bigint', name: 'portal_id', primary: true },
    hubDomain: { type: 'varchar', name: 'hub_domain', length: 255, nullable: true },
    refreshTokenCiphertext: { type: 'varchar', name: 'refresh_token_ciphertext', length: 2048 },
    accessTokenCiphertext: { type: 'varchar', name: 'access_token_ciphertext', length: 2048, nullable: true },
    accessExpiresAt: { type: 'bigint', name: 'access_expires_at', nullable: true },
    encryptionKeyId: { type: 'varchar', name: 'encryption_key_id', length: 16 },
    scopes: { type: 'varchar', name: 'scopes', length: 2000 },
    status: { type: 'varchar', name: 'status', length: 16 },
    statusReason: { type: 'varchar', name: 'status_reason', length: 500, nullable: true },
    installedAt: { type: 'bigint', name: 'installed_at' },
    updatedAt: { type: 'bigint', name: 'updated_at' },
  },
});
