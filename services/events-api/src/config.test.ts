import { describe, expect, it } from 'vitest';
import { ConfigError, loadEventsApiConfig } from './config.js';

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
