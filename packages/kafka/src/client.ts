import { Kafka as KafkaJs, logLevel as KafkaLogLevel, type SASLOptions } from 'kafkajs';
import { pinoLogCreator } from './kafkajs-log.js';
import type { Logger } from '@hookstream/observability';

/** The client library behind this package's functions (KAFKA_CLIENT; docs/kafka.md "Kafka clients"). */
export type KafkaClientName = 'kafkajs' | 'platformatic';

/**
 * The handle every function of this package takes. `client` says which library the package's
 * producers, consumers and admin calls use. admin()/consumer()/producer() are kafkajs's own,
 * whatever `client` is: code outside this package that still speaks kafkajs (test probes, the
 * dispatcher's partition count) keeps working, and keeps using kafkajs.
 */
export interface Kafka extends Pick<KafkaJs, 'admin' | 'consumer' | 'producer'> {
  readonly client: KafkaClientName;
  /** What the handle was built from: @platformatic/kafka clients are built from it per use. */
  readonly options: Readonly<KafkaClientOptions>;
}

export interface KafkaClientOptions {
  /** Default platformatic (the settings' default; docs/kafka.md "Default"). */
  client?: KafkaClientName;
  brokers: readonly string[];
  clientId: string;
  log: Logger;
  /** TCP connect timeout; short so that a dead broker turns into a fast 503 at the edge. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * TLS to the brokers: Node TLS options (CA, client certificate and key), as
   * @hookstream/config's kafkaSecurity() builds them from KAFKA_SSL*. Unset: plaintext.
   */
  ssl?: KafkaTlsOptions;
  /** SASL (PLAIN or SCRAM) from KAFKA_SASL_*; with `ssl` that is SASL_SSL, without it SASL_PLAINTEXT. */
  sasl?: KafkaSaslOptions;
  /** Retries of a failed request or connection (default 8); tests of a refused connection lower it. */
  retries?: number;
}

export interface KafkaTlsOptions {
  ca?: string[];
  cert?: string;
  key?: string;
  passphrase?: string;
  rejectUnauthorized: boolean;
}

export interface KafkaSaslOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** The one place that constructs a client handle (kafkajs is pinned at 2.2.4; see README). */
export function createKafka(opts: KafkaClientOptions): Kafka {
  const js = createKafkaJs(opts);
  return {
    client: opts.client ?? 'platformatic',
    options: { ...opts },
    admin: (config) => js.admin(config),
    consumer: (config) => js.consumer(config),
    producer: (config) => js.producer(config),
  };
}

function createKafkaJs(opts: KafkaClientOptions): KafkaJs {
  const { ssl, sasl } = opts;
  return new KafkaJs({
    ...(ssl ? { ssl: { ...ssl } } : {}),
    // Spelled out per mechanism: kafkajs's SASLOptions is a union keyed by it.
    ...(sasl ? { sasl: saslOptions(sasl) } : {}),
    clientId: opts.clientId,
    brokers: [...opts.brokers],
    connectionTimeout: opts.connectionTimeoutMs ?? 3000,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    logLevel: opts.log.isLevelEnabled('trace') ? KafkaLogLevel.DEBUG : KafkaLogLevel.INFO,
    logCreator: pinoLogCreator(opts.log.child({ component: 'kafkajs' })),
    retry: { initialRetryTime: 300, retries: opts.retries ?? 8, maxRetryTime: 10_000 },
  });
}

function saslOptions(s: KafkaSaslOptions): SASLOptions {
  const { username, password } = s;
  switch (s.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}
