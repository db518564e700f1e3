import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 3: OAuth installs, one row per HubSpot portal. Both tokens are stored sealed
 * (AES-256-GCM, see @hookstream/hubspot createTokenCipher); `encryption_key_id` names the key
 * they were sealed with, so rows still on an old key can be found after a rotation.
 * HubSpot says to allow for tokens of up to 512 characters; sealed, that is under 800.
 */
export class PortalTokens1795411783285 implements MigrationInterface {
  readonly name = 'PortalTokens1795411783285';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hubspot_portal_tokens (
        portal_id BIGINT NOT NULL,
        hub_domain VARCHAR(255) NULL,
        refresh_token_ciphertext VARCHAR(2048) NOT NULL,
        access_token_ciphertext VARCHAR(2048) NULL,
        access_expires_at BIGINT NULL,
        encryption_key_id VARCHAR(16) NOT NULL,
        scopes VARCHAR(2000) NOT NULL,
        status VARCHAR(16) NOT NULL,
        status_reason VARCHAR(500) NULL,
        installed_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (portal_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE hubspot_portal_tokens');
  }
}
