import { describe, expect, it } from 'vitest';
import { serverConnectionOptions, serverUrlOf, uniqueName } from './database.js';
import { parseBrokerList } from './kafka.js';

describe('uniqueName', () => {
  it('is a valid identifier made of the cleaned prefix, base36 time and random hex', () => {
    const name = uniqueName('hs-Test');
    expect(name).toMatch(/^hs_test_[0-9a-z]+_[0-9a-f]{6}$/);
    expect(name.length).toBeLessThanOrEqual(64);
  });

  it('differs between two calls in the same millisecond', () => {
    expect(uniqueName('x')).not.toBe(uniqueName('x'));
  });
});

describe('database URLs', () => {
  it('reads credentials, host and port, decoding escapes; the database part is ignored', () => {
    expect(serverConnectionOptions('mysql://app:p%40ss@db.local:3307/hookstream')).toMatchObject({
      host: 'db.local',
      port: 3307,
      user: 'app',
      password: 'p@ss',
    });
  });

  it('accepts mariadb:// like the service config does', () => {
    expect(serverConnectionOptions('mariadb://root:@127.0.0.1:3306/x')).toMatchObject({ host: '127.0.0.1', port: 3306 });
  });

  it('defaults to port 3306 and an empty password', () => {
    expect(serverConnectionOptions('mysql://root:@127.0.0.1')).toMatchObject({ port: 3306, user: 'root', password: '' });
  });

  it('rejects other schemes without echoing the URL', () => {
    expect(() => serverConnectionOptions('postgres://u:secret@h/db')).toThrow(/mysql:\/\//);
    expect(() => serverConnectionOptions('postgres://u:secret@h/db')).not.toThrow(/secret/);
  });

  it('strips the database from a DATABASE_URL to get the server', () => {
    expect(serverUrlOf('mysql://root:pw@mysql:3306/hookstream?ssl=false')).toBe('mysql://root:pw@mysql:3306');
  });
});

describe('parseBrokerList', () => {
  it('splits and trims a comma list', () => {
    expect(parseBrokerList(' a:9092, b:9093 ,')).toEqual(['a:9092', 'b:9093']);
  });

  it('rejects entries without a port', () => {
    expect(() => parseBrokerList('kafka')).toThrow(/KAFKA_BROKERS/);
  });
});
