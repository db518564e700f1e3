import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { boolFlag } from './fields.js';

/**
 * Settings of managed Kafka and MySQL (MSK, Confluent Cloud, RDS, PlanetScale…): TLS and SASL
 * for every Kafka client, TLS for the database pool. Every host spreads these fragments into
 * its schema (`...KafkaSecuritySchema.shape`) and turns the parsed values into client options
 * with kafkaSecurity() / databaseTls() at start-up, so each Kafka client and each pool gets the
 * same options. Those two read the files named by *_FILE settings; a missing or unreadable file
 * is a ConfigError naming the setting. No message ever holds a password or a key.
 */

const filePath = z.string().min(1);

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** The Kafka client library behind @hookstream/kafka (docs/kafka.md "Kafka clients"). */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

export const KafkaSecuritySchema = z.object({
  /**
   * Which client library talks to the brokers. Lives with TLS/SASL because every host spreads
   * this fragment into its schema and every createKafka() call spreads kafkaSecurity()'s result.
   */
  KAFKA_CLIENT: z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(KAFKA_CLIENTS, { error: `must be one of ${KAFKA_CLIENTS.join(', ')}` }))
    // The faster client, and the whole suite passes on it (docs/kafka.md "Kafka clients", "Default").
    .default('platformatic'),
  /** TLS to the brokers (SSL or SASL_SSL listeners). */
  KAFKA_SSL: boolFlag(false),
  /** PEM file of the CA(s) that signed the brokers' certificates; unset: the system's CAs. */
  KAFKA_SSL_CA_FILE: filePath.optional(),
  /** Client certificate (PEM) for brokers that require one (mutual TLS); needs KAFKA_SSL_KEY_FILE. */
  KAFKA_SSL_CERT_FILE: filePath.optional(),
  KAFKA_SSL_KEY_FILE: filePath.optional(),
  /** Passphrase of an encrypted KAFKA_SSL_KEY_FILE. */
  KAFKA_SSL_KEY_PASSWORD: z.string().optional(),
  /** false accepts any broker certificate (never in production). */
  KAFKA_SSL_REJECT_UNAUTHORIZED: boolFlag(true),
  KAFKA_SASL_MECHANISM: z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(SASL_MECHANISMS, { error: 'must be one of plain, scram-sha-256, scram-sha-512 (AWS IAM is not supported)' }))
    .optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
});

export type KafkaSecuritySettings = z.output<typeof KafkaSecuritySchema>;

/** Node TLS options of a Kafka client (kafkajs `ssl`). */
export interface KafkaTlsOptions {
  ca?: string[];
  cert?: string;
  key?: string;
  passphrase?: string;
  rejectUnauthorized: boolean;
}

export interface KafkaSaslOptions {
  mechanism: (typeof SASL_MECHANISMS)[number];
  username: string;
  password: string;
}

/** What createKafka takes besides brokers and client id; spread into its options. */
export interface KafkaSecurity {
  client?: KafkaClientName;
  ssl?: KafkaTlsOptions;
  sasl?: KafkaSaslOptions;
}

export type ReadSettingFile = (path: string) => string;

const readUtf8: ReadSettingFile = (path) => readFileSync(path, 'utf8');

/**
 * The TLS and SASL options of every Kafka client of a host, from its parsed settings. Throws a
 * ConfigError naming the setting when settings contradict each other or a file cannot be read.
 */
export function kafkaSecurity(s: KafkaSecuritySettings, read: ReadSettingFile = readUtf8): KafkaSecurity {
  const out: KafkaSecurity = { client: s.KAFKA_CLIENT };
  const files = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const;
  if (!s.KAFKA_SSL) {
    const stray = files.find((k) => s[k] !== undefined);
    if (stray) throw new ConfigError(`${stray}: only used with KAFKA_SSL=true; set KAFKA_SSL=true or unset it`);
  } else {
    pair(s.KAFKA_SSL_CERT_FILE, s.KAFKA_SSL_KEY_FILE, 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE');
    const ssl: KafkaTlsOptions = { rejectUnauthorized: s.KAFKA_SSL_REJECT_UNAUTHORIZED };
    if (s.KAFKA_SSL_CA_FILE) ssl.ca = [pemFile('KAFKA_SSL_CA_FILE', s.KAFKA_SSL_CA_FILE, read, 'CERTIFICATE')];
    if (s.KAFKA_SSL_CERT_FILE) ssl.cert = pemFile('KAFKA_SSL_CERT_FILE', s.KAFKA_SSL_CERT_FILE, read, 'CERTIFICATE');
    if (s.KAFKA_SSL_KEY_FILE) ssl.key = pemFile('KAFKA_SSL_KEY_FILE', s.KAFKA_SSL_KEY_FILE, read, 'PRIVATE KEY');
    if (s.KAFKA_SSL_KEY_PASSWORD !== undefined) ssl.passphrase = s.KAFKA_SSL_KEY_PASSWORD;
    out.ssl = ssl;
  }
  if (s.KAFKA_SASL_MECHANISM) {
    if (s.KAFKA_SASL_USERNAME === undefined) throw new ConfigError('KAFKA_SASL_USERNAME: required when KAFKA_SASL_MECHANISM is set');
    if (s.KAFKA_SASL_PASSWORD === undefined) throw new ConfigError('KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is set');
    out.sasl = { mechanism: s.KAFKA_SASL_MECHANISM, username: s.KAFKA_SASL_USERNAME, password: s.KAFKA_SASL_PASSWORD };
  } else {
    const stray = s.KAFKA_SASL_USERNAME !== undefined ? 'KAFKA_SASL_USERNAME' : s.KAFKA_SASL_PASSWORD !== undefined ? 'KAFKA_SASL_PASSWORD' : undefined;
    if (stray) throw new ConfigError(`KAFKA_SASL_MECHANISM: required when ${stray} is set (plain, scram-sha-256 or scram-sha-512)`);
  }
  return out;
}

export const DATABASE_SSL_MODES = ['off', 'require', 'verify-ca', 'verify-full'] as const;

export const DatabaseTlsSchema = z.object({
  /**
   * off: plain TCP; require: TLS, the server's certificate not checked; verify-ca: TLS with a
   * certificate signed by DATABASE_SSL_CA_FILE (or a system CA); verify-full: that and the
   * host name of DATABASE_URL in the certificate.
   */
  DATABASE_SSL: z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .pipe(z.enum(DATABASE_SSL_MODES, { error: `must be one of ${DATABASE_SSL_MODES.join(', ')}` }))
    .default('off'),
  /** PEM file of the CA(s) of the server's certificate (RDS: the region's bundle); unset: the system's CAs. */
  DATABASE_SSL_CA_FILE: filePath.optional(),
  /** Client certificate and key (PEM) for servers that require one. */
  DATABASE_SSL_CERT_FILE: filePath.optional(),
  DATABASE_SSL_KEY_FILE: filePath.optional(),
});

export type DatabaseTlsSettings = z.output<typeof DatabaseTlsSchema>;

/** mysql2's `ssl` option. */
export interface DatabaseTlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  /** Check the host name against the certificate (verify-full). */
  verifyIdentity: boolean;
}

/** mysql2's `ssl` option for the pool, or undefined for DATABASE_SSL=off. Throws a ConfigError naming the setting. */
export function databaseTls(s: DatabaseTlsSettings, read: ReadSettingFile = readUtf8): DatabaseTlsOptions | undefined {
  const files = ['DATABASE_SSL_CA_FILE', 'DATABASE_SSL_CERT_FILE', 'DATABASE_SSL_KEY_FILE'] as const;
  if (s.DATABASE_SSL === 'off') {
    const stray = files.find((k) => s[k] !== undefined);
    if (stray) throw new ConfigError(`${stray}: only used when DATABASE_SSL is require, verify-ca or verify-full`);
    return undefined;
  }
  if (s.DATABASE_SSL === 'require' && s.DATABASE_SSL_CA_FILE !== undefined) {
    throw new ConfigError('DATABASE_SSL_CA_FILE: DATABASE_SSL=require does not check the certificate; use verify-ca or verify-full with a CA');
  }
  pair(s.DATABASE_SSL_CERT_FILE, s.DATABASE_SSL_KEY_FILE, 'DATABASE_SSL_CERT_FILE', 'DATABASE_SSL_KEY_FILE');
  const verify = s.DATABASE_SSL !== 'require';
  const out: DatabaseTlsOptions = { rejectUnauthorized: verify, verifyIdentity: s.DATABASE_SSL === 'verify-full' };
  if (s.DATABASE_SSL_CA_FILE) out.ca = pemFile('DATABASE_SSL_CA_FILE', s.DATABASE_SSL_CA_FILE, read, 'CERTIFICATE');
  if (s.DATABASE_SSL_CERT_FILE) out.cert = pemFile('DATABASE_SSL_CERT_FILE', s.DATABASE_SSL_CERT_FILE, read, 'CERTIFICATE');
  if (s.DATABASE_SSL_KEY_FILE) out.key = pemFile('DATABASE_SSL_KEY_FILE', s.DATABASE_SSL_KEY_FILE, read, 'PRIVATE KEY');
  return out;
}

function pair(cert: string | undefined, key: string | undefined, certName: string, keyName: string): void {
  if (cert !== undefined && key === undefined) throw new ConfigError(`${keyName}: required when ${certName} is set`);
  if (key !== undefined && cert === undefined) throw new ConfigError(`${certName}: required when ${keyName} is set`);
}

/** A PEM file's text. The message names the setting and the path, never the content (a key is a secret). */
function pemFile(setting: string, path: string, read: ReadSettingFile, kind: 'CERTIFICATE' | 'PRIVATE KEY'): string {
  let text: string;
  try {
    text = read(path);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : 'unreadable';
    throw new ConfigError(`${setting}: cannot read ${path} (${why})`);
  }
  // "BEGIN CERTIFICATE", "BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY", "BEGIN ENCRYPTED PRIVATE KEY"…
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text)) {
    throw new ConfigError(`${setting}: ${path} is not a PEM file with a ${kind.toLowerCase()}`);
  }
  return text;
}
