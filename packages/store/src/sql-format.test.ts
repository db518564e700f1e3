import fc from 'fast-check';
import mysql2 from 'mysql2';
import { describe, expect, it } from 'vitest';
import { queryFormat } from './sql-format.js';

const ctx = { config: {} };
const ours = (sql: string, values: unknown): string => queryFormat.call(ctx, sql, values, 'Z');
const theirs = (sql: string, values: unknown): string => mysql2.format(sql, values as never, undefined, 'Z');

/** Strings whose only spelling difference between the two formatters could be `"`, `\b` or `\t`: excluded. */
const sameSpelling = fc.string({ unit: 'grapheme' }).filter((s) => !/["\b\t]/.test(s));
const scalar = fc.oneof(sameSpelling, fc.double(), fc.integer(), fc.bigInt(), fc.boolean(), fc.constant(null), fc.constant(undefined));

describe('queryFormat', () => {
  it('writes the SQL mysql2 writes for multi-row INSERTs of scalars', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(scalar, { minLength: 1, maxLength: 40 }), (width: number, flat: unknown[]) => {
        const rows = Math.ceil(flat.length / width);
        const values = Array.from({ length: rows * width }, (_, i) => flat[i % flat.length]);
        const row = `(${Array.from({ length: width }, () => '?').join(', ')})`;
        const sql = `INSERT INTO t (c) VALUES ${Array.from({ length: rows }, () => row).join(', ')} ON DUPLICATE KEY UPDATE id = id`;
        expect(ours(sql, values)).toBe(theirs(sql, values));
      }),
    );
  });

  it('escapes what a single-quoted literal cannot hold and leaves JSON quotes alone', () => {
    expect(ours('SELECT ?, ?, ?, ?', ['{"a":"b"}', "it's", 'a\\b\0c\nd\re\x1a', '\t\b'])).toBe(`SELECT '{"a":"b"}', 'it\\'s', 'a\\\\b\\0c\\nd\\re\\Z', '\t\b'`);
    expect(ours('UPDATE t SET a = ?, b = ?, c = ? WHERE id = ?', [true, false, null, 12n])).toBe('UPDATE t SET a = true, b = false, c = NULL WHERE id = 12');
  });

  it('leaves SQL without values as it is', () => {
    expect(ours('SELECT 1', undefined)).toBe('SELECT 1');
    expect(ours('SELECT 1', null)).toBe('SELECT 1');
  });

  const date = new Date(Date.UTC(2026, 11, 3, 18, 0, 0));
  it.each<[string, string, unknown]>([
    ['a ? inside a string literal', "SELECT '?', ?", [1]],
    ['a ? inside a double-quoted string', 'SELECT "?", ?', [1]],
    ['a ? inside a backtick identifier', 'SELECT `a?b`, ?', [1]],
    ['a # comment', 'SELECT ? # ?', [1]],
    ['a -- comment', 'SELECT ? -- ?\n', [1]],
    ['a /* comment */', 'SELECT ? /* ? */', [1]],
    ['?? identifiers', 'SELECT ?? FROM t WHERE a = ?', ['col', 1]],
    ['an IN list', 'SELECT * FROM t WHERE id IN (?)', [[1, 2, 3]]],
    ['a SET object', 'UPDATE t SET ? WHERE id = ?', [{ a: 1, b: 'x' }, 1]],
    ['a Date', 'SELECT ?', [date]],
    ['a Buffer', 'SELECT ?', [Buffer.from('ab')]],
    ['fewer values than placeholders', 'SELECT ?, ?', [1]],
    ['more values than placeholders', 'SELECT ?', [1, 2]],
    ['a single value not in an array', 'SELECT ?', 'x'],
    ['an empty values array', 'SELECT ?', []],
  ])('gives mysql2 the statement when it holds %s', (_name, sql, values) => {
    expect(ours(sql, values)).toBe(theirs(sql, values));
  });

  it('fills backtick-quoted SQL whose identifiers hold no ?', () => {
    expect(ours('INSERT INTO `t` (`a`, `b`) VALUES (?, ?)', ['"x"', 2])).toBe('INSERT INTO `t` (`a`, `b`) VALUES (\'"x"\', 2)');
  });
});
