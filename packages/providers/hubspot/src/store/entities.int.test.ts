import { DataSource, type DataSourceOptions } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { testDatabase } from '@hookstream/testkit';
import { HUBSPOT_ENTITIES } from './entities.js';

describe('HubSpot tables (real database)', () => {
  let store: MigratedStore;
  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase(), 2);
  });
  afterAll(async () => store?.close());

  it('match their EntitySchema models: TypeORM finds nothing to synchronise', async () => {
    // TypeORM reads MariaDB's catalogue correctly (NULL defaults, JSON = LONGTEXT) only when told
    // it is MariaDB; runtime queries are the same either way, so only this check switches type.
    const [v] = (await store.ds.query('SELECT VERSION() AS v')) as Array<{ v: string }>;
    const inspector = new DataSource({
      ...store.ds.options,
      type: /mariadb/i.test(v?.v ?? '') ? 'mariadb' : 'mysql',
      entities: [...ENTITIES, ...HUBSPOT_ENTITIES],
    } as DataSourceOptions);
    await inspector.initialize();
    try {
      const sql = await inspector.driver.createSchemaBuilder().log();
      expect(sql.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await inspector.destroy();
    }
  });
});
