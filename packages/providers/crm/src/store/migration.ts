import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CRM's deal tables. `crm_deals` holds each deal's current status and the fields of the
 * event that set it; `crm_deal_status_history` every status a deal reached, once per
 * (source, deal, status) like the ledger's key. Both carry the ledger id of their event, and
 * both are written in the transaction that inserts the ledger rows. utf8mb4_bin: ids and
 * statuses compare exactly (the edge refuses outer spaces, which PAD SPACE would ignore).
 */
export class CrmDeals1796140800000 implements MigrationInterface {
  readonly name = 'CrmDeals1796140800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE crm_deals (
        source VARCHAR(64) NOT NULL,
        deal_id VARCHAR(128) NOT NULL,
        status VARCHAR(64) NOT NULL,
        status_rank INT NULL,
        status_event_id BIGINT UNSIGNED NOT NULL,
        deal_details JSON NOT NULL,
        customer JSON NOT NULL,
        property JSON NOT NULL,
        first_seen_at BIGINT NOT NULL,
        last_event_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (source, deal_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
    await q.query(`
      CREATE TABLE crm_deal_status_history (
        source VARCHAR(64) NOT NULL,
        deal_id VARCHAR(128) NOT NULL,
        status VARCHAR(64) NOT NULL,
        status_rank INT NULL,
        event_type VARCHAR(128) NOT NULL,
        reached_at BIGINT NOT NULL,
        event_id BIGINT UNSIGNED NOT NULL,
        advanced TINYINT(1) NOT NULL,
        PRIMARY KEY (source, deal_id, status),
        KEY ix_crm_history_timeline (source, deal_id, reached_at, event_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE crm_deal_status_history');
    await q.query('DROP TABLE crm_deals');
  }
}
