import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A contacts column read from the properties JSON: the string value, or NULL when absent or JSON null. */
function prop(name: string): string {
  // JSON_UNQUOTE of a JSON null is the string 'null' on both servers; JSON_TYPE tells them apart
  // from a real "null" string value. Both functions behave the same on MySQL 8 and MariaDB 10.11.
  const path = `JSON_EXTRACT(properties, '$.${name}')`;
  return `CASE JSON_TYPE(${path}) WHEN 'STRING' THEN JSON_UNQUOTE(${path}) END AS ${name}`;
}

/**
 * Issue 3: associations between objects, merge survivors, privacy-deletion tombstones and the
 * contacts view. Same portability rules as Initial (see there).
 */
export class ObjectRelations1795411426721 implements MigrationInterface {
  readonly name = 'ObjectRelations1795411426721';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE object_state
        ADD COLUMN merged_object_ids JSON NULL,
        ADD COLUMN privacy_deleted_at BIGINT NULL,
        ADD KEY ix_state_merged_into (portal_id, object_type, merged_into_object_id)
    `);
    // One row per directed association and kind. is_primary is part of the identity: HubSpot
    // sends a primary association and the default one as two messages with the same
    // associationType, and either can be removed while the other stays.
    await q.query(`
      CREATE TABLE object_associations (
        portal_id BIGINT NOT NULL,
        from_object_type VARCHAR(64) NOT NULL,
        from_object_id BIGINT NOT NULL,
        to_object_type VARCHAR(64) NOT NULL,
        to_object_id BIGINT NOT NULL,
        association_type VARCHAR(100) NOT NULL,
        is_primary TINYINT(1) NOT NULL,
        removed TINYINT(1) NOT NULL,
        version BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (portal_id, from_object_type, from_object_id, to_object_type, to_object_id, association_type, is_primary),
        KEY ix_assoc_to (portal_id, to_object_type, to_object_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
    await q.query(`
      CREATE VIEW contacts AS
      SELECT portal_id, object_id,
        ${['email', 'firstname', 'lastname', 'phone', 'lifecyclestage', 'utm_source', 'utm_medium', 'utm_campaign'].map(prop).join(',\n        ')},
        created_at, last_event_at, snapshot_at, updated_at,
        archived AS deleted, merged_into_object_id, privacy_deleted_at,
        CASE WHEN privacy_deleted_at IS NULL THEN 0 ELSE 1 END AS privacy_deleted
      FROM object_state
      WHERE object_type = 'contact'
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP VIEW contacts');
    await q.query('DROP TABLE object_associations');
    await q.query('ALTER TABLE object_state DROP KEY ix_state_merged_into, DROP COLUMN privacy_deleted_at, DROP COLUMN merged_object_ids');
  }
}
