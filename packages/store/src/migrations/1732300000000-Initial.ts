import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema. The DDL sticks to what MySQL 8.x and MariaDB 10.11 both accept the same way:
 * no CHECK constraints relied on, no functional indexes, JSON (a LONGTEXT alias with a
 * json_valid check on MariaDB), utf8mb4_bin so identifiers compare byte-for-byte on both.
 * Times are epoch-ms BIGINTs: no TIMESTAMP/DATETIME timezone or precision differences.
 */
export class Initial1732300000000 implements MigrationInterface {
  readonly name = 'Initial1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        provider VARCHAR(32) NOT NULL,
        portal_id BIGINT NOT NULL,
        app_id BIGINT NULL,
        subscription_id BIGINT NOT NULL,
        event_id BIGINT NOT NULL,
        subscription_type VARCHAR(100) NOT NULL,
        object_type VARCHAR(64) NOT NULL,
        object_type_id VARCHAR(32) NULL,
        object_id BIGINT NOT NULL,
        occurred_at BIGINT NOT NULL,
        received_at BIGINT NOT NULL,
        processed_at BIGINT NOT NULL,
        attempt_number INT NOT NULL,
        change_source VARCHAR(64) NULL,
        change_flag VARCHAR(64) NULL,
        property_name VARCHAR(255) NULL,
        property_value MEDIUMTEXT NULL,
        request_id VARCHAR(64) NULL,
        raw JSON NOT NULL,
        enrichment JSON NULL,
        enrichment_state VARCHAR(16) NOT NULL,
        enrichment_attempts INT NOT NULL DEFAULT 0,
        enrichment_error VARCHAR(500) NULL,
        enrichment_next_at BIGINT NULL,
        enriched_at BIGINT NULL,
        enrichment_claim VARCHAR(36) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_events_delivery (portal_id, subscription_id, event_id, occurred_at, object_id),
        KEY ix_events_occurred (occurred_at, id),
        KEY ix_events_object_timeline (portal_id, object_type, object_id, occurred_at, id),
        KEY ix_events_portal_occurred (portal_id, occurred_at, id),
        KEY ix_events_portal_changes (portal_id, id),
        KEY ix_events_type_occurred (subscription_type, occurred_at, id),
        KEY ix_events_enrichment_due (enrichment_state, enrichment_next_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
    await q.query(`
      CREATE TABLE object_state (
        portal_id BIGINT NOT NULL,
        object_type VARCHAR(64) NOT NULL,
        object_id BIGINT NOT NULL,
        properties JSON NOT NULL,
        property_versions JSON NOT NULL,
        archived TINYINT(1) NOT NULL DEFAULT 0,
        archived_version BIGINT NOT NULL DEFAULT 0,
        merged_into_object_id BIGINT NULL,
        merged_version BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NULL,
        last_event_at BIGINT NULL,
        snapshot_at BIGINT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (portal_id, object_type, object_id),
        KEY ix_state_recent (portal_id, object_type, last_event_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
    // One lock row: writers lock it right before inserting events so that auto-increment ids
    // become visible in commit order (see write/persist.ts).
    await q.query(`
      CREATE TABLE event_sequence (
        id TINYINT NOT NULL,
        PRIMARY KEY (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
    await q.query('INSERT INTO event_sequence (id) VALUES (1)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE event_sequence');
    await q.query('DROP TABLE object_state');
    await q.query('DROP TABLE events');
  }
}
