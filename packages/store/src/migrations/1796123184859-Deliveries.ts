import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 9: outbound deliveries. A delivery is one (endpoint, ledger event) pair; its row is the
 * durable queue entry and its state, so a retry waiting hours holds nothing but a row. Every
 * attempt gets a row of its own for the delivery log. `delivery_cursor` is how far the fan-out
 * has read the ledger (by id, which is commit order: see ledger/reservations.ts).
 *
 * Endpoint secrets are rows, not a column: during a rotation the old one keeps signing beside
 * the new one until `expires_at`.
 */
export class Deliveries1796123184859 implements MigrationInterface {
  readonly name = 'Deliveries1796123184859';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE endpoints (
        id VARCHAR(40) NOT NULL,
        url VARCHAR(2048) NOT NULL,
        description VARCHAR(500) NOT NULL,
        filter JSON NOT NULL,
        rate_limit_per_second INT NULL,
        max_in_flight INT NULL,
        ordered TINYINT(1) NOT NULL,
        enabled TINYINT(1) NOT NULL,
        disabled_reason VARCHAR(500) NULL,
        disabled_at BIGINT NULL,
        failing_since BIGINT NULL,
        origin VARCHAR(16) NOT NULL,
        start_after BIGINT UNSIGNED NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        deleted_at BIGINT NULL,
        PRIMARY KEY (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
    await q.query(`
      CREATE TABLE endpoint_secrets (
        endpoint_id VARCHAR(40) NOT NULL,
        secret_no INT NOT NULL,
        secret VARCHAR(200) NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NULL,
        PRIMARY KEY (endpoint_id, secret_no)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
    await q.query(`
      CREATE TABLE deliveries (
        endpoint_id VARCHAR(40) NOT NULL,
        event_id BIGINT UNSIGNED NOT NULL,
        state VARCHAR(12) NOT NULL,
        attempts INT NOT NULL,
        round_attempts INT NOT NULL,
        next_attempt_at BIGINT NOT NULL,
        last_attempt_at BIGINT NULL,
        last_status INT NULL,
        last_error VARCHAR(500) NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        completed_at BIGINT NULL,
        PRIMARY KEY (endpoint_id, event_id),
        KEY ix_deliveries_due (endpoint_id, state, next_attempt_at),
        KEY ix_deliveries_state (endpoint_id, state, event_id),
        KEY ix_deliveries_event (event_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
    await q.query(`
      CREATE TABLE delivery_attempts (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        endpoint_id VARCHAR(40) NOT NULL,
        event_id BIGINT UNSIGNED NOT NULL,
        attempt INT NOT NULL,
        started_at BIGINT NOT NULL,
        latency_ms INT NOT NULL,
        outcome VARCHAR(16) NOT NULL,
        status INT NULL,
        error VARCHAR(500) NULL,
        response_snippet VARCHAR(1024) NULL,
        PRIMARY KEY (id),
        KEY ix_delivery_attempts_delivery (endpoint_id, event_id, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
    await q.query(`
      CREATE TABLE delivery_cursor (
        name VARCHAR(32) NOT NULL,
        last_event_id BIGINT UNSIGNED NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['delivery_cursor', 'delivery_attempts', 'deliveries', 'endpoint_secrets', 'endpoints']) await q.query(`DROP TABLE ${t}`);
  }
}
