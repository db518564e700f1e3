import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C traceparent of the edge request an event came in with (tracing on), so that a
 * delivery attempt, which reads the event from the ledger, continues the event's trace
 * (docs/tracing.md). NULL for events stored with tracing off and for every older row; a
 * nullable column added last is an instant change in MariaDB 10.3+ and MySQL 8.0.
 */
export class LedgerTraceparent1796146800000 implements MigrationInterface {
  readonly name = 'LedgerTraceparent1796146800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE events ADD COLUMN traceparent VARCHAR(55) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE events DROP COLUMN traceparent');
  }
}
