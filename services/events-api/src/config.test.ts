import { describe, expect, it } from 'vitest';
import { ConfigError, loadArchiveSettings, loadEventsApiConfig } from './config.js';

const env = { DATABASE_URL: 'mysql://u:pw@127.0.0.1:3306/hookstream', EVENTS_API_TOKENS: ' aaaaaaaaaaaaaaaa , bbbbbbbbbbbbbbbb ' };

describe('loadEventsApiConfig', () => {
  it('applies defaults and splits tokens', () => {
    const c = loadEventsApiConfig(env);
    expect(c).toMatchObject({ PORT: 8081, HOST: '0.0.0.0', LOG_LEVEL: 'info', EVENTS_API_TOKENS: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'] });
    expect(Object.isFrozen(c)).toBe(true);
    expect(loadEventsApiConfig({ ...env, PORT: '9000', PUBLIC_URL: '' }).PORT).toBe(9000);
  });

  it.each([
    [{ DATABASE_URL: env.DATABASE_URL }, 'EVENTS_API_TOKENS: required (comma-separated bearer tokens)'],
    [{ ...env, EVENTS_API_TOKENS: ' , ' }, 'EVENTS_API_TOKENS: required (comma-separated bearer tokens)'],
    [{ ...env, EVENTS_API_TOKENS: 'aaaaaaaaaaaaaaaa,short-secret' }, 'EVENTS_API_TOKENS: each token must be at least 16 characters'],
    [{ EVENTS_API_TOKENS: env.EVENTS_API_TOKENS }, 'DATABASE_URL: required (mysql://user:pass@host:port/db)'],
    [{ ...env, DATABASE_URL: 'postgres://u:pw@h/db' }, 'DATABASE_URL: must be a mysql://user:pass@host:port/db URL'],
    [{ ...env, PORT: 'eighty' }, 'PORT: must be a port number'],
    [{ ...env, LOG_LEVEL: 'loud' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent'],
    [{}, 'DATABASE_URL: required (mysql://user:pass@host:port/db); EVENTS_API_TOKENS: required (comma-separated bearer tokens)'],
  ])('one line naming the setting: %j', (input, message) => {
    let err: unknown;
    try {
      loadEventsApiConfig(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(message);
    expect((err as Error).message).not.toMatch(/short-secret|pw@/);
  });
});

describe('admin API and delivery settings', () => {
  it('defaults: admin API off, https to public addresses only, a 24 h secret overlap', () => {
    expect(loadEventsApiConfig(env)).toMatchObject({
      ADMIN_API_TOKENS: [],
      DELIVERY_ALLOW_PRIVATE_NETWORKS: false,
      DELIVERY_ALLOW_HTTP: false,
      DELIVERY_ALLOW_LIST: [],
      ENDPOINT_SECRET_OVERLAP: 86_400_000,
    });
  });

  it('reads admin tokens and the guard settings', () => {
    const c = loadEventsApiConfig({
      ...env,
      ADMIN_API_TOKENS: ' admin-0123456789abcdef ,admin-fedcba9876543210',
      DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      DELIVERY_ALLOW_HTTP: '1',
      DELIVERY_ALLOW_LIST: 'hooks.internal, 10.1.0.0/16',
      ENDPOINT_SECRET_OVERLAP: '90m',
    });
    expect(c).toMatchObject({
      ADMIN_API_TOKENS: ['admin-0123456789abcdef', 'admin-fedcba9876543210'],
      DELIVERY_ALLOW_PRIVATE_NETWORKS: true,
      DELIVERY_ALLOW_HTTP: true,
      DELIVERY_ALLOW_LIST: ['hooks.internal', '10.1.0.0/16'],
      ENDPOINT_SECRET_OVERLAP: 5_400_000,
    });
  });

  it.each([
    [{ ADMIN_API_TOKENS: 'admin-0123456789abcdef,short-admin' }, 'ADMIN_API_TOKENS: each token must be at least 16 characters'],
    [{ ADMIN_API_TOKENS: 'admin 0123456789abcdef' }, 'ADMIN_API_TOKENS: tokens must be printable ASCII without spaces'],
    [
      { ADMIN_API_TOKENS: 'admin-0123456789abcdef,bbbbbbbbbbbbbbbb' },
      'ADMIN_API_TOKENS: entry 2 is also an EVENTS_API_TOKENS token; admin and reader tokens must differ',
    ],
    [{ DELIVERY_ALLOW_HTTP: 'maybe' }, 'DELIVERY_ALLOW_HTTP: must be true or false'],
    [{ DELIVERY_ALLOW_LIST: '10.0.0.0/' }, 'DELIVERY_ALLOW_LIST: entry "10.0.0.0/" has an invalid prefix length'],
  ])('refuses %j with one line naming the setting, never the token', (over, message) => {
    let err: unknown;
    try {
      loadEventsApiConfig({ ...env, ...over });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(message);
    expect((err as Error).message).not.toMatch(/short-admin|admin 0123|bbbbbbbbbbbbbbbb/);
  });
});

describe('loadArchiveSettings', () => {
  it('defaults to the local archive with hourly retention runs; empty values count as unset', () => {
    const s = loadArchiveSettings({ ARCHIVE_BACKEND: '', ARCHIVE_RETENTION_DAYS: '' });
    expect(s).toMatchObject({ ARCHIVE_BACKEND: 'local', ARCHIVE_DIR: './.archive', ARCHIVE_RETENTION_DAYS: 30, ARCHIVE_RETENTION_INTERVAL_MS: 3_600_000 });
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('names each bad setting in one line', () => {
    expect(() => loadArchiveSettings({ ARCHIVE_BACKEND: 's3', ARCHIVE_RETENTION_INTERVAL_MS: '5' })).toThrowError(
      /^ARCHIVE_RETENTION_INTERVAL_MS: .+; ARCHIVE_S3_BUCKET: is required when ARCHIVE_BACKEND=s3$/,
    );
    expect(() => loadArchiveSettings({ ARCHIVE_BACKEND: 'disk' })).toThrowError(ConfigError);
  });
});
