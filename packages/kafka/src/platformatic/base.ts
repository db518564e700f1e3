import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import type { Kafka, KafkaSaslOptions } from '../client.js';

const MECHANISMS = { plain: 'PLAIN', 'scram-sha-256': 'SCRAM-SHA-256', 'scram-sha-512': 'SCRAM-SHA-512' } as const;

export interface RetryPolicy {
  retries: number;
  initialMs: number;
  maxMs: number;
}

/**
 * The connection options of a @platformatic/kafka client, from the handle createKafka built:
 * the same brokers, timeouts, TLS and SASL a kafkajs client of that handle gets. Retries back
 * off exponentially from `initialMs` to `maxMs`, like kafkajs's retry option.
 */
export function baseOptions(kafka: Kafka, retry?: Partial<RetryPolicy>): BaseOptions {
  const o = kafka.options;
  const policy: RetryPolicy = { retries: o.retries ?? 8, initialMs: 300, maxMs: 10_000, ...retry };
  return {
    clientId: o.clientId,
    bootstrapBrokers: [...o.brokers],
    connectTimeout: o.connectionTimeoutMs ?? 3000,
    requestTimeout: o.requestTimeoutMs ?? 30_000,
    retries: policy.retries,
    retryDelay: (_client, _op, attempt) => Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1)),
    // Topics are created by ensureTopics with our partition counts, never by a metadata request.
    autocreateTopics: false,
    ...(o.ssl ? { tls: { ...o.ssl } } : {}),
    ...(o.sasl ? { sasl: saslOptions(o.sasl) } : {}),
  };
}

function saslOptions(s: KafkaSaslOptions): SASLOptions {
  return { mechanism: MECHANISMS[s.mechanism], username: s.username, password: s.password };
}
