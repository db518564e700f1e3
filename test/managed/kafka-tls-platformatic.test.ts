/**
 * KAFKA_CLIENT=platformatic over TLS and SASL_SSL: the same broker setup as kafka-tls.test.ts
 * (a KRaft broker of this file's own with SSL, mutual-TLS and SASL_SSL listeners, PLAIN and
 * SCRAM users), with every client built from settings the way the hosts build theirs:
 * settings → kafkaSecurity() → createKafka(). What @platformatic/kafka is handed for tls and
 * sasl must connect, authenticate, and refuse what the kafkajs client refuses.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KafkaSecuritySchema, kafkaSecurity, parseEnv } from '@hookstream/config';
import { createKafka, createProducer, ensureTopics, openTopicAdmin, type Kafka } from '@hookstream/kafka';
import { createLogger } from '@hookstream/observability';
import { makeTestPki, startLocalKafka, type LocalKafkaHandle, type TestPki } from '@hookstream/testkit';

const log = createLogger({ name: 'kafka-tls-platformatic', level: 'silent' });
const PLAIN_USER = 'alice';
const PLAIN_PASSWORD = 'alice-secret';
const SCRAM_USER = 'bob';
const SCRAM_PASSWORD = 'bob-scram-secret';

describe.skipIf(inject('kafkaSource') !== 'local')('KAFKA_CLIENT=platformatic over TLS and SASL_SSL (a broker of its own)', () => {
  let pki: TestPki;
  let broker: LocalKafkaHandle;
  const url = (listener: string): string => `127.0.0.1:${broker.listenerPorts[listener]}`;

  const client = (listener: string, env: Record<string, string>, retries?: number): Kafka =>
    createKafka({
      brokers: [url(listener)],
      clientId: `kafka-tls-plt-${listener.toLowerCase()}`,
      log,
      ...kafkaSecurity(parseEnv(KafkaSecuritySchema, { ...env, KAFKA_CLIENT: 'platformatic' })),
      ...(retries === undefined ? {} : { retries }),
    });

  /**
   * What opening the package's admin throws, or undefined: it asks a broker its API versions on
   * a connection that has finished the TLS handshake and SASL authentication.
   */
  const connectError = async (kafka: Kafka): Promise<Error | undefined> => {
    try {
      const admin = await openTopicAdmin(kafka);
      await admin.close();
      return undefined;
    } catch (err) {
      return err as Error;
    }
  };

  /** An error and every error it wraps (the library aggregates per-broker failures). */
  const messages = (err: unknown): string => {
    const e = err as (Error & { errors?: unknown[]; cause?: unknown }) | undefined;
    if (!e) return '';
    return [e.message, ...(e.errors ?? []).map(messages), e.cause ? messages(e.cause) : ''].join(' | ');
  };

  beforeAll(async () => {
    pki = await makeTestPki();
    const jaas = (module: string, users = ''): string => `org.apache.kafka.common.security.${module} required${users};`;
    broker = await startLocalKafka({
      log,
      port: 0,
      listeners: [
        { name: 'SSL', protocol: 'SSL' },
        { name: 'MTLS', protocol: 'SSL' },
        { name: 'SASL_SSL', protocol: 'SASL_SSL' },
      ],
      properties: {
        'ssl.keystore.type': 'PKCS12',
        'ssl.keystore.location': pki.serverKeystore,
        'ssl.keystore.password': pki.storePassword,
        'ssl.key.password': pki.storePassword,
        'ssl.truststore.type': 'PKCS12',
        'ssl.truststore.location': pki.truststore,
        'ssl.truststore.password': pki.storePassword,
        'listener.name.mtls.ssl.client.auth': 'required',
        'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
        'listener.name.sasl_ssl.plain.sasl.jaas.config': jaas('plain.PlainLoginModule', ` user_${PLAIN_USER}="${PLAIN_PASSWORD}"`),
        'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': jaas('scram.ScramLoginModule'),
        'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': jaas('scram.ScramLoginModule'),
      },
      formatArgs: [
        '--add-scram',
        `SCRAM-SHA-256=[name=${SCRAM_USER},password=${SCRAM_PASSWORD}]`,
        '--add-scram',
        `SCRAM-SHA-512=[name=${SCRAM_USER},password=${SCRAM_PASSWORD}]`,
      ],
    });
  });
  afterAll(async () => {
    await broker?.stop();
    await pki?.remove();
  });

  it('creates a topic and produces over SSL with KAFKA_SSL_CA_FILE', async () => {
    const kafka = client('SSL', { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: pki.caFile });
    expect(kafka.client).toBe('platformatic');
    const topic = `tls-plt-${randomBytes(4).toString('hex')}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 1, replicationFactor: 1 }], log);
    const producer = createProducer(kafka, log);
    await producer.connect();
    await producer.send(topic, [{ key: 'k', value: Buffer.from('over tls') }], 10_000);
    await producer.disconnect();
    const admin = await openTopicAdmin(kafka);
    try {
      expect(await admin.partitions(topic)).toEqual([{ partition: 0, low: 0n, high: 1n }]);
    } finally {
      await admin.close();
    }
  });

  it("refuses a broker whose certificate the client's CAs did not sign, and accepts it with KAFKA_SSL_REJECT_UNAUTHORIZED=false", async () => {
    const envs: Array<Record<string, string>> = [{ KAFKA_SSL: 'true' }, { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: pki.otherCaFile }];
    for (const env of envs) {
      const err = await connectError(client('SSL', env, 0));
      expect(messages(err)).toMatch(/self[- ]signed certificate|unable to (get local issuer|verify)/);
    }
    expect(await connectError(client('SSL', { KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }, 0))).toBeUndefined();
  });

  it('authenticates with a client certificate where the broker requires one', async () => {
    const mtls = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: pki.caFile };
    expect(await connectError(client('MTLS', { ...mtls, KAFKA_SSL_CERT_FILE: pki.clientCertFile, KAFKA_SSL_KEY_FILE: pki.clientKeyFile }))).toBeUndefined();
    expect(await connectError(client('MTLS', mtls, 0))).toBeInstanceOf(Error);
  });

  it('authenticates with SASL PLAIN over TLS, and refuses a wrong password without echoing it', async () => {
    const env = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: pki.caFile, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: PLAIN_USER };
    expect(await connectError(client('SASL_SSL', { ...env, KAFKA_SASL_PASSWORD: PLAIN_PASSWORD }))).toBeUndefined();
    const err = await connectError(client('SASL_SSL', { ...env, KAFKA_SASL_PASSWORD: 'wrong-password' }, 0));
    expect(messages(err)).toMatch(/authentication failed|Invalid username or password/i);
    expect(messages(err)).not.toContain('wrong-password');
  });

  it('authenticates with SCRAM-SHA-256 and SCRAM-SHA-512 and produces; a wrong password is refused', async () => {
    for (const mechanism of ['scram-sha-256', 'scram-sha-512']) {
      const env = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: pki.caFile, KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: SCRAM_USER };
      const kafka = client('SASL_SSL', { ...env, KAFKA_SASL_PASSWORD: SCRAM_PASSWORD });
      const topic = `scram-plt-${randomBytes(4).toString('hex')}`;
      await ensureTopics(kafka, [{ topic, numPartitions: 1, replicationFactor: 1 }], log);
      const producer = createProducer(kafka, log);
      await producer.connect();
      await producer.send(topic, [{ key: 'k', value: Buffer.from(mechanism) }], 10_000);
      await producer.disconnect();
      const err = await connectError(client('SASL_SSL', { ...env, KAFKA_SASL_PASSWORD: 'wrong-password' }, 0));
      expect(messages(err)).toMatch(/authentication failed|invalid credentials/i);
      expect(messages(err)).not.toContain('wrong-password');
    }
  });
});
