import { DataSource, type DataSourceOptions } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, MIGRATIONS, runMigrations } from '../data-source.js';

const ALL = MIGRATIONS.map((M) => new M().name);
import { testDatabase, type TestDatabase } from '@hookstream/testkit';

describe('migrations (real database)', () => {
  let db: TestDatabase;
  let a: DataSource;
  let b: DataSource;

  beforeAll(async () => {
    db = await testDatabase();
    a = createDataSource({ url: db.url, poolSize: 2 });
    b = createDataSource({ url: db.url, poolSize: 2 });
    await Promise.all([a.initialize(), b.initialize()]);
  });

  afterAll(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
    await db?.drop();
  });

  it('applies the schema once even when two processes migrate at the same time; a rerun is a no-op', async () => {
    const [ra, rb] = await Promise.all([runMigrations(a), runMigrations(b)]);
    expect([...ra, ...rb]).toEqual(ALL);
    expect(await runMigrations(a)).toEqual([]);

    const tables = (await a.query(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
    )) as Array<{ t: string }>;
    expect(tables.map((r) => r.t).sort()).toEqual([
      'deliveries',
      'delivery_attempts',
      'delivery_cursor',
      'endpoint_secrets',
      'endpoints',
      'event_sequence',
      'events',
      'hubspot_events',
      'hubspot_portal_tokens',
      'ledger_reservations',
      'migrations',
      'object_associations',
      'object_state',
    ]);
    const views = (await a.query('SELECT table_name AS t FROM information_schema.views WHERE table_schema = DATABASE()')) as Array<{ t: string }>;
    expect(views.map((r) => r.t).sort()).toEqual(['contacts', 'hubspot_event_rows']);
    expect(await a.query('SELECT id, next_id FROM event_sequence')).toEqual([{ id: 1, next_id: 1 }]);

    const idx = (await a.query(
      `SELECT index_name AS name, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS cols, MIN(non_unique) AS nu
       FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'events' GROUP BY index_name ORDER BY index_name`,
    )) as Array<{ name: string; cols: string; nu: number | string }>;
    expect(Object.fromEntries(idx.map((r) => [r.name, `${r.cols}${Number(r.nu) === 0 ? ' unique' : ''}`]))).toEqual({
      PRIMARY: 'id unique',
      uq_events_idempotency: 'provider,source,idempotency_key unique',
      ix_events_occurred: 'occurred_at,id',
      ix_events_provider_occurred: 'provider,occurred_at,id',
      ix_events_source_occurred: 'provider,source,occurred_at,id',
      ix_events_tenant_occurred: 'provider,tenant,occurred_at,id',
      ix_events_subject_timeline: 'provider,tenant,subject,occurred_at,id',
      ix_events_type_occurred: 'type,occurred_at,id',
      ix_events_provider_changes: 'provider,id',
      ix_events_tenant_changes: 'provider,tenant,id',
    });
  });

  it('matches the EntitySchema model: TypeORM finds nothing to synchronise', async () => {
    // TypeORM only reads MariaDB's catalogue correctly (NULL defaults, JSON = LONGTEXT) when told
    // it is MariaDB; runtime queries are the same either way, so only this check switches type.
    const [v] = (await a.query('SELECT VERSION() AS v')) as Array<{ v: string }>;
    const inspector = new DataSource({ ...a.options, type: /mariadb/i.test(v?.v ?? '') ? 'mariadb' : 'mysql' } as DataSourceOptions);
    await inspector.initialize();
    try {
      const sql = await inspector.driver.createSchemaBuilder().log();
      expect(sql.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await inspector.destroy();
    }
  });

  it('reverts and re-applies cleanly', async () => {
    for (let i = 0; i < ALL.length; i++) await a.undoLastMigration({ transaction: 'each' });
    const left = (await a.query(
      "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('events','hubspot_events','object_state','event_sequence','object_associations','contacts','hubspot_event_rows')",
    )) as Array<{ n: number | string }>;
    expect(Number(left[0]?.n)).toBe(0);
    expect(await runMigrations(a)).toEqual(ALL);
  });
});
