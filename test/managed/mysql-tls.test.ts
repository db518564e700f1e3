/**
 * DATABASE_SSL on a real server: a MariaDB of this file's own with the test PKI's certificate
 * and require_secure_transport=ON (the shared database stays plain). Pools are built the way the
 * hosts build theirs: settings → databaseTls() → createDataSource().
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseTlsSchema, databaseTls, parseEnv } from '@hookstream/config';
import { createLogger } from '@hookstream/observability';
import { createDataSource, runMigrations, type DataSource } from '@hookstream/store';
import { makeTestPki, startTlsMariaDb, type TestPki, type TlsMariaDb } from '@hookstream/testkit';

const log = createLogger({ name: 'mysql-tls', level: 'silent' });

describe.skipIf(!existsSync('/usr/sbin/mariadbd'))('database over TLS (a TLS-only MariaDB of its own)', () => {
  let pki: TestPki;
  let server: TlsMariaDb;

  const pool = (env: Record<string, string>, url = server.url): DataSource => {
    const ssl = databaseTls(parseEnv(DatabaseTlsSchema, env));
    return createDataSource({ url, log, poolSize: 2, ...(ssl ? { ssl } : {}) });
  };
  /** The TLS cipher of a connection of the pool, or what initialize() threw. */
  const attempt = async (ds: DataSource): Promise<{ cipher?: string; error?: Error }> => {
    try {
      await ds.initialize();
      const [row] = (await ds.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) as Array<{ Value: string }>;
      return { cipher: row?.Value ?? '' };
    } catch (err) {
      return { error: err as Error };
    } finally {
      if (ds.isInitialized) await ds.destroy();
    }
  };

  beforeAll(async () => {
    pki = await makeTestPki();
    server = await startTlsMariaDb({ log, pki });
  });
  afterAll(async () => {
    await server?.stop();
    await pki?.remove();
  });

  it('connects with DATABASE_SSL=verify-ca and the CA, and runs the migrations over TLS', async () => {
    const ds = pool({ DATABASE_SSL: 'verify-ca', DATABASE_SSL_CA_FILE: pki.caFile });
    await ds.initialize();
    try {
      const applied = await runMigrations(ds, log);
      expect(applied.length).toBeGreaterThan(0);
      const [row] = (await ds.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) as Array<{ Value: string }>;
      expect(row?.Value).not.toBe('');
    } finally {
      await ds.destroy();
    }
  });

  it('connects with verify-full (the certificate names 127.0.0.1 and localhost) and with require (no verification)', async () => {
    expect((await attempt(pool({ DATABASE_SSL: 'verify-full', DATABASE_SSL_CA_FILE: pki.caFile }))).cipher).toMatch(/\w/);
    expect((await attempt(pool({ DATABASE_SSL: 'require' }))).cipher).toMatch(/\w/);
  });

  it('is refused without TLS (DATABASE_SSL=off), the same account and password that work over TLS', async () => {
    const { error } = await attempt(pool({}));
    // MySQL 8 says "Connections using insecure transport are prohibited…"; MariaDB 10.11 answers
    // a plain connection under require_secure_transport with a bare access denied (1045).
    expect(error?.message).toMatch(/insecure transport are prohibited|^Access denied for user 'tls_user'/);
    expect(error?.message).not.toContain('tls-user-secret');
  });

  it('refuses a server whose certificate another CA signed (verify-ca), or no CA but the system ones', async () => {
    const envs: Array<Record<string, string>> = [{ DATABASE_SSL: 'verify-ca', DATABASE_SSL_CA_FILE: pki.otherCaFile }, { DATABASE_SSL: 'verify-ca' }];
    for (const env of envs) {
      const { error } = await attempt(pool(env));
      expect(error?.message).toMatch(/self[- ]signed certificate|unable to (get local issuer|verify)/);
    }
  });
});
