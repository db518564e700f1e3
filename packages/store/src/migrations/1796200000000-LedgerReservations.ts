import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commit order without one lock for every writer (see ledger/reservations.ts): a writer reserves
 * a range of ids (event_sequence.next_id, which only grows) and registers it in
 * ledger_reservations in one short transaction, inserts its rows with those ids in its own, and
 * deletes the reservation in that same transaction. Readers of the changes feed stop below the
 * lowest open reservation. `connection_id` lets any writer clear the reservation of a writer
 * whose connection is gone (a crashed process).
 */
export class LedgerReservations1796200000000 implements MigrationInterface {
  readonly name = 'LedgerReservations1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE event_sequence ADD COLUMN next_id BIGINT UNSIGNED NOT NULL DEFAULT 1');
    await q.query('UPDATE event_sequence SET next_id = (SELECT COALESCE(MAX(id), 0) + 1 FROM events) WHERE id = 1');
    await q.query(`
      CREATE TABLE ledger_reservations (
        first_id BIGINT UNSIGNED NOT NULL,
        last_id BIGINT UNSIGNED NOT NULL,
        connection_id BIGINT UNSIGNED NOT NULL,
        reserved_at BIGINT NOT NULL,
        PRIMARY KEY (first_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ledger_reservations');
    await q.query('ALTER TABLE event_sequence DROP COLUMN next_id');
  }
}
