import type { MigrationInterface, QueryRunner } from 'typeorm';

/** HubSpot's per-event columns, in the order both tables list them. */
const HUBSPOT_COLUMNS = [
  'portal_id',
  'app_id',
  'subscription_id',
  'event_id',
  'object_type',
  'object_type_id',
  'object_id',
  'attempt_number',
  'change_source',
  'change_flag',
  'property_name',
  'property_value',
  'enrichment',
  'enrichment_state',
  'enrichment_attempts',
  'enrichment_error',
  'enrichment_next_at',
  'enriched_at',
  'enrichment_claim',
];

/** Columns of events that become HubSpot's (event_id stays: it turns into the ledger's string id). */
const MOVED_COLUMNS = HUBSPOT_COLUMNS.filter((c) => c !== 'event_id').concat('subscription_type');

const OLD_INDEXES = [
  'uq_events_delivery',
  'ix_events_object_timeline',
  'ix_events_portal_occurred',
  'ix_events_portal_changes',
  'ix_events_type_occurred',
  'ix_events_enrichment_due',
];

/**
 * One event ledger for every provider. `events` keeps its ids (the commit-ordered changes feed
 * goes on where it was) and every row; it loses the HubSpot columns, which move to
 * `hubspot_events` (one row per HubSpot ledger row, same id), and gains the provider-neutral
 * ones: source, tenant, type, subject, a string event id and the idempotency key that replaces
 * HubSpot's five-column unique key. The key is VARBINARY: utf8mb4_bin compares with PAD SPACE
 * on both servers, so "k" and "k " would be one event. Existing rows are HubSpot's: their idempotency key is
 * exactly the old unique key's columns joined, so a redelivery of an old event stays a no-op.
 */
export class Ledger1796113765490 implements MigrationInterface {
  readonly name = 'Ledger1796113765490';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hubspot_events (
        id BIGINT UNSIGNED NOT NULL,
        portal_id BIGINT NOT NULL,
        app_id BIGINT NULL,
        subscription_id BIGINT NOT NULL,
        event_id BIGINT NOT NULL,
        object_type VARCHAR(64) NOT NULL,
        object_type_id VARCHAR(32) NULL,
        object_id BIGINT NOT NULL,
        attempt_number INT NOT NULL,
        change_source VARCHAR(64) NULL,
        change_flag VARCHAR(64) NULL,
        property_name VARCHAR(255) NULL,
        property_value MEDIUMTEXT NULL,
        enrichment JSON NULL,
        enrichment_state VARCHAR(16) NOT NULL,
        enrichment_attempts INT NOT NULL DEFAULT 0,
        enrichment_error VARCHAR(500) NULL,
        enrichment_next_at BIGINT NULL,
        enriched_at BIGINT NULL,
        enrichment_claim VARCHAR(36) NULL,
        PRIMARY KEY (id),
        KEY ix_hubspot_events_enrichment_due (enrichment_state, enrichment_next_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
    `);
    await q.query(`INSERT INTO hubspot_events (id, ${HUBSPOT_COLUMNS.join(', ')}) SELECT id, ${HUBSPOT_COLUMNS.join(', ')} FROM events`);
    await q.query(`
      ALTER TABLE events
        ADD COLUMN source VARCHAR(64) NOT NULL DEFAULT '' AFTER provider,
        ADD COLUMN tenant VARCHAR(128) NULL AFTER source,
        ADD COLUMN type VARCHAR(128) NOT NULL DEFAULT '' AFTER tenant,
        ADD COLUMN subject VARCHAR(255) NULL AFTER type,
        ADD COLUMN idempotency_key VARBINARY(1020) NOT NULL DEFAULT '' AFTER event_id
    `);
    await q.query(`
      UPDATE events SET source = provider, tenant = CAST(portal_id AS CHAR), type = subscription_type,
        subject = CONCAT(object_type, ':', object_id),
        idempotency_key = CONCAT(portal_id, ':', subscription_id, ':', event_id, ':', occurred_at, ':', object_id)
    `);
    await q.query(`
      ALTER TABLE events
        ${OLD_INDEXES.map((i) => `DROP INDEX ${i}`).join(', ')},
        ${MOVED_COLUMNS.map((c) => `DROP COLUMN ${c}`).join(', ')},
        MODIFY COLUMN event_id VARCHAR(255) NOT NULL,
        ALTER COLUMN source DROP DEFAULT,
        ALTER COLUMN type DROP DEFAULT,
        ALTER COLUMN idempotency_key DROP DEFAULT,
        ${LEDGER_INDEXES.join(',\n        ')}
    `);
    await q.query(HUBSPOT_EVENT_ROWS_VIEW);
  }

  async down(q: QueryRunner): Promise<void> {
    // Only HubSpot rows fit the old table; other providers' rows would have no portal or object.
    const [other] = (await q.query("SELECT COUNT(*) AS n FROM events WHERE provider <> 'hubspot'")) as Array<{ n: unknown }>;
    if (Number(other?.n ?? 0) > 0) throw new Error('cannot revert the ledger: it holds events of providers other than HubSpot');
    await q.query('DROP VIEW hubspot_event_rows');
    await q.query(`ALTER TABLE events ${LEDGER_INDEX_NAMES.map((i) => `DROP INDEX ${i}`).join(', ')}`);
    await q.query(`
      ALTER TABLE events
        ADD COLUMN portal_id BIGINT NOT NULL DEFAULT 0, ADD COLUMN app_id BIGINT NULL, ADD COLUMN subscription_id BIGINT NOT NULL DEFAULT 0,
        ADD COLUMN subscription_type VARCHAR(100) NOT NULL DEFAULT '', ADD COLUMN object_type VARCHAR(64) NOT NULL DEFAULT '',
        ADD COLUMN object_type_id VARCHAR(32) NULL, ADD COLUMN object_id BIGINT NOT NULL DEFAULT 0, ADD COLUMN attempt_number INT NOT NULL DEFAULT 0,
        ADD COLUMN change_source VARCHAR(64) NULL, ADD COLUMN change_flag VARCHAR(64) NULL, ADD COLUMN property_name VARCHAR(255) NULL,
        ADD COLUMN property_value MEDIUMTEXT NULL, ADD COLUMN enrichment JSON NULL, ADD COLUMN enrichment_state VARCHAR(16) NOT NULL DEFAULT 'skipped',
        ADD COLUMN enrichment_attempts INT NOT NULL DEFAULT 0, ADD COLUMN enrichment_error VARCHAR(500) NULL, ADD COLUMN enrichment_next_at BIGINT NULL,
        ADD COLUMN enriched_at BIGINT NULL, ADD COLUMN enrichment_claim VARCHAR(36) NULL
    `);
    const copied = HUBSPOT_COLUMNS.filter((c) => c !== 'event_id');
    await q.query(`UPDATE events e JOIN hubspot_events h ON h.id = e.id SET e.subscription_type = e.type, ${copied.map((c) => `e.${c} = h.${c}`).join(', ')}`);
    await q.query(`
      ALTER TABLE events
        DROP COLUMN source, DROP COLUMN tenant, DROP COLUMN type, DROP COLUMN subject, DROP COLUMN idempotency_key,
        MODIFY COLUMN event_id BIGINT NOT NULL,
        ADD UNIQUE KEY uq_events_delivery (portal_id, subscription_id, event_id, occurred_at, object_id),
        ADD KEY ix_events_object_timeline (portal_id, object_type, object_id, occurred_at, id),
        ADD KEY ix_events_portal_occurred (portal_id, occurred_at, id),
        ADD KEY ix_events_portal_changes (portal_id, id),
        ADD KEY ix_events_type_occurred (subscription_type, occurred_at, id),
        ADD KEY ix_events_enrichment_due (enrichment_state, enrichment_next_at)
    `);
    await q.query('DROP TABLE hubspot_events');
  }
}

/**
 * HubSpot events with the columns and names `events` had before the ledger, so operators' ad-hoc
 * SQL (and the tests that look at rows directly) read them as before.
 */
const HUBSPOT_EVENT_ROWS_VIEW = `
  CREATE VIEW hubspot_event_rows AS
  SELECT e.id, e.provider, h.portal_id, h.app_id, h.subscription_id, h.event_id, e.type AS subscription_type, h.object_type,
    h.object_type_id, h.object_id, e.occurred_at, e.received_at, e.processed_at, h.attempt_number, h.change_source, h.change_flag,
    h.property_name, h.property_value, e.request_id, e.raw, h.enrichment, h.enrichment_state, h.enrichment_attempts,
    h.enrichment_error, h.enrichment_next_at, h.enriched_at, h.enrichment_claim
  FROM events e JOIN hubspot_events h ON h.id = e.id
`;

/**
 * The ledger's indexes. Every keyset read walks one of them in (occurred_at, id) or id order
 * and stops after a page: the filter equalities come first (see read/ledger-sql.ts).
 */
const LEDGER_INDEX_DEFS: Array<[name: string, def: string]> = [
  ['uq_events_idempotency', 'UNIQUE KEY uq_events_idempotency (provider, source, idempotency_key)'],
  ['ix_events_provider_occurred', 'KEY ix_events_provider_occurred (provider, occurred_at, id)'],
  ['ix_events_source_occurred', 'KEY ix_events_source_occurred (provider, source, occurred_at, id)'],
  ['ix_events_tenant_occurred', 'KEY ix_events_tenant_occurred (provider, tenant, occurred_at, id)'],
  ['ix_events_subject_timeline', 'KEY ix_events_subject_timeline (provider, tenant, subject, occurred_at, id)'],
  ['ix_events_type_occurred', 'KEY ix_events_type_occurred (type, occurred_at, id)'],
  ['ix_events_provider_changes', 'KEY ix_events_provider_changes (provider, id)'],
  ['ix_events_tenant_changes', 'KEY ix_events_tenant_changes (provider, tenant, id)'],
];
const LEDGER_INDEXES = LEDGER_INDEX_DEFS.map(([, def]) => `ADD ${def}`);
const LEDGER_INDEX_NAMES = LEDGER_INDEX_DEFS.map(([name]) => name);
