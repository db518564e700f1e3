import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DatabaseTlsSchema, databaseTls, KafkaSecuritySchema, kafkaSecurity, loadEdgeConfig, loadProcessorConfig, parseEnv } from './index.js';
import { dlqCliSchema } from './dlq-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hookstream-managed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----\n';
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const ca = file('ca.pem', CERT);
const cert = file('client.pem', CERT);
const key = file('client.key', KEY);
const notPem = file('not.pem', 'hello');

const kafka = (env: Record<string, string>) => kafkaSecurity(parseEnv(KafkaSecuritySchema, env));
const db = (env: Record<string, string>) => databaseTls(parseEnv(DatabaseTlsSchema, env));
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('Kafka TLS and SASL settings', () => {
  it('is plaintext with the platformatic client without settings', () => {
    expect(kafka({})).toEqual({ client: 'platformatic' });
  });

  it('selects the client with KAFKA_CLIENT, in any case, and refuses an unknown one', () => {
    expect(kafka({ KAFKA_CLIENT: ' Platformatic ' }).client).toBe('platformatic');
    expect(kafka({ KAFKA_CLIENT: 'kafkajs' }).client).toBe('kafkajs');
    expect(() => kafka({ KAFKA_CLIENT: 'rdkafka' })).toThrowError(/^KAFKA_CLIENT: must be one of kafkajs, platformatic$/);
  });

  it('reads the CA, the client certificate and key', () => {
    const s = kafka({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca, KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key });
    expect(s.ssl).toEqual({ ca: [CERT], cert: CERT, key: KEY, rejectUnauthorized: true });
    expect(kafka({ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }).ssl).toEqual({ rejectUnauthorized: false });
  });

  it('takes PLAIN and both SCRAM mechanisms, in any case', () => {
    expect(kafka({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'key', KAFKA_SASL_PASSWORD: 'pw' }).sasl).toEqual({
      mechanism: 'plain',
      username: 'key',
      password: 'pw',
    });
    for (const m of ['scram-sha-256', 'SCRAM-SHA-512'])
      expect(kafka({ KAFKA_SASL_MECHANISM: m, KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).sasl?.mechanism).toBe(m.toLowerCase());
  });

  it('names the setting in one line and never echoes a secret', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ KAFKA_SASL_MECHANISM: 'aws_msk_iam' }, /^KAFKA_SASL_MECHANISM: must be one of plain, scram-sha-256, scram-sha-512 \(AWS IAM is not supported\)$/],
      [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'hunter2' }, /^KAFKA_SASL_USERNAME: required when KAFKA_SASL_MECHANISM is set$/],
      [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }, /^KAFKA_SASL_PASSWORD: required/],
      [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'hunter2' }, /^KAFKA_SASL_MECHANISM: required when KAFKA_SASL_USERNAME is set/],
      [{ KAFKA_SSL_CA_FILE: ca }, /^KAFKA_SSL_CA_FILE: only used with KAFKA_SSL=true/],
      [{ KAFKA_SSL: 'yes please' }, /^KAFKA_SSL: must be true or false$/],
      [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: cert }, /^KAFKA_SSL_KEY_FILE: required when KAFKA_SSL_CERT_FILE is set$/],
      [{ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: key }, /^KAFKA_SSL_CERT_FILE: required when KAFKA_SSL_KEY_FILE is set$/],
      [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') }, /^KAFKA_SSL_CA_FILE: cannot read .*missing\.pem \(no such file\)$/],
      [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: dir }, /^KAFKA_SSL_CA_FILE: cannot read .* \(is a directory\)$/],
      [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: notPem }, /^KAFKA_SSL_CA_FILE: .*not\.pem is not a PEM file with a certificate$/],
      // A certificate where the key belongs: the message names the file, not its content.
      [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: key, KAFKA_SSL_KEY_FILE: cert }, /^KAFKA_SSL_CERT_FILE: .* is not a PEM file with a certificate$/],
    ];
    for (const [env, expected] of cases) {
      const m = message(() => kafka(env));
      expect(m).toMatch(expected);
      expect(m).not.toMatch(/hunter2|secret-key-material|\n/);
    }
  });

  it('is part of every Kafka host schema', () => {
    const env = { KAFKA_BROKERS: 'b:9093', KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' };
    const proc = loadProcessorConfig({ ...env, DATABASE_URL: 'mysql://u:p@db:3306/hookstream' });
    const cli = parseEnv(dlqCliSchema({ topic: 't', dlqTopic: 'd' }), env);
    for (const c of [loadEdgeConfig(env), proc, cli])
      expect(kafkaSecurity(c)).toEqual({
        client: 'platformatic',
        ssl: { rejectUnauthorized: true },
        sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
      });
  });
});

describe('database TLS settings', () => {
  it('is off by default', () => {
    expect(db({})).toBeUndefined();
    expect(db({ DATABASE_SSL: 'OFF' })).toBeUndefined();
  });

  it('maps require, verify-ca and verify-full to mysql2 options', () => {
    expect(db({ DATABASE_SSL: 'require' })).toEqual({ rejectUnauthorized: false, verifyIdentity: false });
    expect(db({ DATABASE_SSL: 'verify-ca', DATABASE_SSL_CA_FILE: ca })).toEqual({ ca: CERT, rejectUnauthorized: true, verifyIdentity: false });
    // verify-full without a CA file: the system's CAs (PlanetScale).
    expect(db({ DATABASE_SSL: 'verify-full' })).toEqual({ rejectUnauthorized: true, verifyIdentity: true });
    expect(db({ DATABASE_SSL: 'verify-full', DATABASE_SSL_CERT_FILE: cert, DATABASE_SSL_KEY_FILE: key })).toMatchObject({ cert: CERT, key: KEY });
  });

  it('names the setting in one line', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ DATABASE_SSL: 'true' }, /^DATABASE_SSL: must be one of off, require, verify-ca, verify-full$/],
      [{ DATABASE_SSL_CA_FILE: ca }, /^DATABASE_SSL_CA_FILE: only used when DATABASE_SSL is/],
      [{ DATABASE_SSL: 'require', DATABASE_SSL_CA_FILE: ca }, /^DATABASE_SSL_CA_FILE: DATABASE_SSL=require does not check the certificate/],
      [{ DATABASE_SSL: 'verify-ca', DATABASE_SSL_CA_FILE: join(dir, 'nope') }, /^DATABASE_SSL_CA_FILE: cannot read .*nope \(no such file\)$/],
      [{ DATABASE_SSL: 'verify-ca', DATABASE_SSL_KEY_FILE: key }, /^DATABASE_SSL_CERT_FILE: required when DATABASE_SSL_KEY_FILE is set$/],
      [
        { DATABASE_SSL: 'verify-ca', DATABASE_SSL_CERT_FILE: cert, DATABASE_SSL_KEY_FILE: notPem },
        /^DATABASE_SSL_KEY_FILE: .* is not a PEM file with a private key$/,
      ],
    ];
    for (const [env, expected] of cases) expect(message(() => db(env))).toMatch(expected);
  });

  it('is part of the processor schema', () => {
    const c = loadProcessorConfig({ KAFKA_BROKERS: 'a:1', DATABASE_URL: 'mysql://u:p@db:3306/x', DATABASE_SSL: 'verify-ca', DATABASE_SSL_CA_FILE: ca });
    expect(databaseTls(c)?.ca).toBe(CERT);
  });
});
