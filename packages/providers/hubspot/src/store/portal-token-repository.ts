import { classifyError, num, numOrNull, strOrNull, type DataSource } from '@hookstream/store';
import type { PortalTokenRecord, PortalTokenRepository, PortalTokenStatus } from '../oauth/types.js';

const COLUMNS =
  'portal_id, hub_domain, refresh_token_ciphertext, access_token_ciphertext, access_expires_at, encryption_key_id, ' +
  'scopes, status, status_reason, installed_at, updated_at';

function toRecord(r: Record<string, unknown>): PortalTokenRecord {
  return {
    portalId: num(r.portal_id),
    hubDomain: strOrNull(r.hub_domain),
    refreshTokenCiphertext: String(r.refresh_token_ciphertext),
    accessTokenCiphertext: strOrNull(r.access_token_ciphertext),
    accessExpiresAt: numOrNull(r.access_expires_at),
    encryptionKeyId: String(r.encryption_key_id),
    scopes: String(r.scopes).split(' ').filter(Boolean),
    status: String(r.status) as PortalTokenStatus,
    statusReason: strOrNull(r.status_reason),
    installedAt: num(r.installed_at),
    updatedAt: num(r.updated_at),
  };
}

/** PortalTokenRepository on the hubspot_portal_tokens table (values arrive and leave sealed). */
export function createPortalTokenRepository(ds: DataSource): PortalTokenRepository {
  const run = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw classifyError(err, what);
    }
  };
  return {
    get: (portalId) =>
      run('portal token read', async () => {
        const rows = (await ds.query(`SELECT ${COLUMNS} FROM hubspot_portal_tokens WHERE portal_id = ?`, [portalId])) as Array<Record<string, unknown>>;
        return rows[0] ? toRecord(rows[0]) : undefined;
      }),
    upsert: (r) =>
      run('portal token install', async () => {
        // A re-install replaces everything but keeps the first install time.
        await ds.query(
          `INSERT INTO hubspot_portal_tokens (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON DUPLICATE KEY UPDATE hub_domain = COALESCE(?, hub_domain), refresh_token_ciphertext = ?, access_token_ciphertext = ?,
             access_expires_at = ?, encryption_key_id = ?, scopes = ?, status = ?, status_reason = ?, updated_at = ?`,
          [
            r.portalId,
            r.hubDomain,
            r.refreshTokenCiphertext,
            r.accessTokenCiphertext,
            r.accessExpiresAt,
            r.encryptionKeyId,
            r.scopes.join(' '),
            r.status,
            r.statusReason,
            r.installedAt,
            r.updatedAt,
            r.hubDomain,
            r.refreshTokenCiphertext,
            r.accessTokenCiphertext,
            r.accessExpiresAt,
            r.encryptionKeyId,
            r.scopes.join(' '),
            r.status,
            r.statusReason,
            r.updatedAt,
          ],
        );
      }),
    saveRefreshed: (portalId, t) =>
      run('portal token refresh', async () => {
        await ds.query(
          `UPDATE hubspot_portal_tokens SET access_token_ciphertext = ?, access_expires_at = ?, refresh_token_ciphertext = ?,
             encryption_key_id = ?, updated_at = ?
           WHERE portal_id = ? AND status = 'active'`,
          [t.accessTokenCiphertext, t.accessExpiresAt, t.refreshTokenCiphertext, t.encryptionKeyId, t.updatedAt, portalId],
        );
      }),
    markInvalid: (portalId, reason, at) =>
      run('portal token invalidation', async () => {
        await ds.query(
          `UPDATE hubspot_portal_tokens SET status = 'invalid', status_reason = ?, access_token_ciphertext = NULL, access_expires_at = NULL, updated_at = ?
           WHERE portal_id = ?`,
          [reason.slice(0, 500), at, portalId],
        );
      }),
    list: () =>
      run('portal token list', async () => {
        const rows = (await ds.query(`SELECT ${COLUMNS} FROM hubspot_portal_tokens ORDER BY portal_id`)) as Array<Record<string, unknown>>;
        return rows.map(toRecord);
      }),
  };
}

/**
 * After an install: the portal's events that were waiting for a token (pending, unclaimed)
 * become due now, so the sweeper enriches them within one sweep instead of at their long
 * backoff. Returns how many were rescheduled.
 */
export async function makePortalEnrichmentDue(ds: DataSource, portalId: number, now: number): Promise<number> {
  try {
    const res = (await ds.query(
      `UPDATE hubspot_events SET enrichment_next_at = ?
       WHERE enrichment_state = 'pending' AND enrichment_next_at > ? AND portal_id = ? AND enrichment_claim IS NULL`,
      [now, now, portalId],
    )) as { affectedRows?: number };
    return res.affectedRows ?? 0;
  } catch (err) {
    throw classifyError(err, 'reschedule pending enrichment');
  }
}
