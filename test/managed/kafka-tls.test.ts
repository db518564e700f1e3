/**
 * Managed Kafka's settings on a real broker: a KRaft broker of this file's own (the shared one
 * stays plaintext) with an SSL listener, a mutual-TLS listener and a SASL_SSL listener taking
 * PLAIN (JAAS users) and SCRAM-SHA-256/512 (credentials written by the storage format's
 * --add-scram). Certificates come from openssl and keytool in a temp dir. Every client is built
 * the way the hosts build theirs: settings → kafkaSecurity() → createKafka().
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KafkaSecuritySchema, kafkaSecurity, parseEnv } from '@hookstream/config';
import { createKafka, createProducer, ensureTopics, type Kafka } from '@hookstream/kafka';
import { createLogger } from '@hookstream/observability';
import { makeTestPki, startLocalKafka, type LocalKafkaHandle, type TestPki } from '@hookstream/testkit';

const log = createLogger({ name: 'kafka-tls', level: 'silent' });
const PLAIN_USER = 'alice';
const PLAIN_PASSWORD = 'alice-secret';
const SCRAM_USER = 'bob';
const SCRAM_PASSWORD = 'bob-scram-secret';

describe.skipIf(inject('kafkaSource') !== 'local')('Kafka over TLS and SASL_SSL (a broker of its own)', () => {
  let pki: TestPki;
  let broker: LocalKafkaHandle;
  const url = (listener: string): string => `127.0.0.1:${broker.listenerPorts[listener]}`;

  /** A client built from settings, as every host builds its own. */
  const client = (listener: string, env: Record<string, string>, retries?: number): Kafka =>
    createKafka({
      brokers: [url(listener)],
      clientId: `kafka-tls-${listener.toLowerCase()}`,
      log,
      // kafkajs's TLS and SASL; kafka-tls-platformatic.test.ts has the default client's.
      ...kafkaSecurity(parseEnv(KafkaSecuritySchema, { ...env, KAFKA_CLIENT: 'kafkajs' })),
      ...(retries === undefined ? {} : { retries }),
    });

  /** What connecting an admin client throws, or undefined when it connects. */
  const connectError = async (kafka: Kafka): Promise<Error | undefined> => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return undefined;
    } catch (err) {
      return err as Error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
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

  it('produces and consumes over SSL with KAFKA_SSL_CA_FILE', async () => {
    const kafka = client('SSL', { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: pki.caFile });
    const topic = `tls-${randomBytes(4).toString('hex')}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 1, replicationFactor: 1 }], log);
    const producer = createProducer(kafka, log);
    await producer.connect();
    await producer.send(topic, [{ key: 'k', value: Buffer.from('over tls') }], 10_000);
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: topic });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const got = await new Promise<string>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
      });
      expect(got).toBe('over tls');
    } finally {
      await consumer.disconnect();
    }
  });

  it("refuses a broker whose certificate the client's CAs did not sign, saying so", async () => {
    // The system's CAs, and a CA that signed nothing here.
    const envs: Array<Record<string, string>> = [{ KAFKA_SSL: 'true' }, { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: pki.otherCaFile }];
    for (const env of envs) {
      const err = await connectError(client('SSL', env, 0));
      expect(err?.message).toMatch(/self[- ]signed certificate|unable to (get local issuer|verify)/);
    }
    // KAFKA_SSL_REJECT_UNAUTHORIZED=false accepts it (never in production).
    expect(await connectError(client('SSL', { KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }, 0))).toBeUndefined();
  });

  it('authenticates with a client certificate (KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE) where the broker requires one', async () => {
    const mtls = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: pki.caFile };
    expect(await connectError(client('MTLS', { ...mtls, KAFKA_SSL_CERT_FILE: pki.clientCertFile, KAFKA_SSL_KEY_FILE: pki.clientKeyFile }))).toBeUndefined();
    expect(await connectError(client('MTLS', mtls, 0))).toBeInstanceOf(Error);
  });

  it('authenticates with SASL PLAIN over TLS, and refuses a wrong password without echoing it', async () => {
    const env = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: pki.caFile, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: PLAIN_USER };
    expect(await connectError(client('SASL_SSL', { ...env, KAFKA_SASL_PASSWORD: PLAIN_PASSWORD }))).toBeUndefined();
    const err = await connectError(client('SASL_SSL', { ...env, KAFKA_SASL_PASSWORD: 'wrong-password' }, 0));
    expect(err?.message).toMatch(/SASL PLAIN authentication failed/);
    expect(err?.message).not.toContain('wrong-password');
  });

  it('authenticates with SCRAM-SHA-256 and SCRAM-SHA-512 and produces; a wrong password is refused', async () => {
    for (const mechanism of ['scram-sha-256', 'scram-sha-512']) {
      const env = { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: pki.caFile, KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: SCRAM_USER };
      const kafka = client('SASL_SSL', { ...env, KAFKA_SASL_PASSWORD: SCRAM_PASSWORD });
      const topic = `scram-${randomBytes(4).toString('hex')}`;
      await ensureTopics(kafka, [{ topic, numPartitions: 1, replicationFactor: 1 }], log);
      const producer = createProducer(kafka, log);
      await producer.connect();
      await producer.send(topic, [{ key: 'k', value: Buffer.from(mechanism) }], 10_000);
      await producer.disconnect();
      const err = await connectError(client('SASL_SSL', { ...env, KAFKA_SASL_PASSWORD: 'wrong-password' }, 0));
      expect(err?.message).toMatch(new RegExp(`authentication failed.*invalid credentials with SASL mechanism ${mechanism.toUpperCase()}$`));
      expect(err?.message).not.toContain('wrong-password');
    }
  });
});
