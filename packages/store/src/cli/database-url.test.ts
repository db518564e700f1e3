import { describe, expect, it } from 'vitest';
import { DatabaseUrlError, readDatabaseUrl } from './database-url.js';

describe('readDatabaseUrl', () => {
  it('accepts a mysql URL with a database', () => {
    expect(readDatabaseUrl({ DATABASE_URL: 'mysql://root:@127.0.0.1:3306/hookstream' })).toBe('mysql://root:@127.0.0.1:3306/hookstream');
  });

  it('names DATABASE_URL in one line and never echoes the value', () => {
    const cases = [
      {},
      { DATABASE_URL: '' },
      { DATABASE_URL: 'nope' },
      { DATABASE_URL: 'postgres://u:secretpw@h/db' },
      { DATABASE_URL: 'mysql://u:secretpw@h:3306' },
    ];
    for (const env of cases) {
      let err: unknown;
      try {
        readDatabaseUrl(env);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DatabaseUrlError);
      const message = (err as Error).message;
      expect(message).toMatch(/^DATABASE_URL: /);
      expect(message).not.toContain('\n');
      expect(message).not.toContain('secretpw');
    }
  });
});
