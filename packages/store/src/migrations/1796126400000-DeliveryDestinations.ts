import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 10: an endpoint is no longer only a client's webhook URL. `kind` names its destination
 * (`webhook`, `meta_capi`, `brevo`), `destination` holds that destination's settings (Meta's event
 * name, Brevo's template), and `retry_schedule` overrides the dispatcher's schedule for it (the
 * CRM actions retry 5 times with exponential backoff). An attempt keeps the destination's own
 * id for what it accepted (Brevo's messageId).
 */
export class DeliveryDestinations1796126400000 implements MigrationInterface {
  readonly name = 'DeliveryDestinations1796126400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE endpoints
        ADD COLUMN kind VARCHAR(32) NOT NULL DEFAULT 'webhook' AFTER id,
        ADD COLUMN destination JSON NULL AFTER filter,
        ADD COLUMN retry_schedule VARCHAR(500) NULL AFTER destination
    `);
    await q.query('ALTER TABLE delivery_attempts ADD COLUMN external_id VARCHAR(255) NULL AFTER response_snippet');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE delivery_attempts DROP COLUMN external_id');
    await q.query('ALTER TABLE endpoints DROP COLUMN retry_schedule, DROP COLUMN destination, DROP COLUMN kind');
  }
}
