import fc from 'fast-check';
import mysql2 from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '@hookstream/testkit';
import { openMigratedStore, type MigratedStore } from './testing/index.js';

/** What the server stores for values the store's queryFormat inlined: the values themselves. */
describe('queryFormat against the real database', () => {
  let store: MigratedStore;
  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase());
    await store.ds.query('DROP TABLE IF EXISTS sql_format_probe');
    await store.ds.query(
      'CREATE TABLE sql_format_probe (id INT PRIMARY KEY, s LONGTEXT CHARACTER SET utf8mb4 NULL, d DOUBLE NULL, b BIGINT NULL) ENGINE=InnoDB',
    );
  });
  afterAll(async () => {
    await store?.ds.query('DROP TABLE IF EXISTS sql_format_probe');
    await store?.close();
  });

  type Row = [string | null, number | null, bigint | null];
  const insertSql = (rows: readonly Row[]) => `INSERT INTO sql_format_probe (id, s, d, b) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}`;
  const valuesOf = (rows: readonly Row[]) => rows.flatMap(([s, d, b], i) => [i, s, d, b]);
  /** Writes the rows with the SQL text given (values already inlined, or with them as parameters) and reads them back. */
  const writeAndRead = async (sql: string, values?: unknown[]): Promise<Row[]> => {
    await store.ds.query('DELETE FROM sql_format_probe');
    await store.ds.query(sql, values);
    const back = (await store.ds.query('SELECT s, d, b FROM sql_format_probe ORDER BY id')) as Array<{
      s: string | null;
      d: number | null;
      b: number | string | null;
    }>;
    return back.map((r) => [r.s, r.d, r.b === null ? null : BigInt(r.b)]);
  };
  const roundTrip = (rows: readonly Row[]) => writeAndRead(insertSql(rows), valuesOf(rows));
  /** The same rows written with mysql2's own formatting: SQL without values passes queryFormat untouched. */
  const roundTripMysql2 = (rows: readonly Row[]) => writeAndRead(mysql2.format(insertSql(rows), valuesOf(rows) as never, undefined, 'Z'));

  it('stores quotes, backslashes, NUL, Ctrl-Z, tabs and JSON exactly as given', async () => {
    const tricky = `{"a":"it's \\"q\\""}\\\0\x1a\t\b\r\n'"\``;
    expect(await roundTrip([[tricky, 1.5, 7n]])).toEqual([[tricky, 1.5, 7n]]);
  });

  it('stores any strings and 64-bit integers as given, and doubles as mysql2 formatting does', async () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d));
    const row = fc.tuple(
      fc.option(fc.string({ unit: 'grapheme', maxLength: 60 })),
      fc.option(finite),
      fc.option(fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 20 }), async (rows: Row[]) => {
        const stored = await roundTrip(rows);
        // Strings and integers come back as given; a DOUBLE comes back as the server prints it
        // (MariaDB's text form rounds some to 15 digits), so it must match mysql2's own path.
        expect(stored.map(([s, , b]) => [s, b])).toEqual(rows.map(([s, , b]) => [s, b]));
        expect(stored).toEqual(await roundTripMysql2(rows));
      }),
      { numRuns: 50 },
    );
  });
});
