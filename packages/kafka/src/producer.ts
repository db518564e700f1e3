import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from '@hookstream/observability';

export interface OutboundMessage {
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

export class ProduceTimeoutError extends Error {
  readonly code = 'KAFKA_TIMEOUT';
  readonly retryable = true;
  constructor(ms: number) {
    super(`Kafka did not acknowledge within ${ms} ms`);
    this.name = 'ProduceTimeoutError';
  }
}

export class ProduceFailedError extends Error {
  readonly code = 'KAFKA_UNAVAILABLE';
  readonly retryable = true;
  constructor(cause: unknown) {
    super(`Kafka refused the write: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'ProduceFailedError';
  }
}

export interface EventProducer {
  connect(): Promise<void>;
  /**
   * Resolves only when every message is acknowledged by all in-sync replicas (acks=all).
   * `onSettled` runs once the underlying write has succeeded or failed, which can be after a
   * timeout rejected the call: until then the messages still hold memory.
   */
  send(topic: string, messages: readonly OutboundMessage[], timeoutMs: number, opts?: { onSettled?: () => void }): Promise<void>;
  isConnected(): boolean;
  disconnect(): Promise<void>;
}

export function createProducer(kafka: Kafka, log: Logger): EventProducer {
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    // Java-compatible murmur2 partitioning: the same key lands on the same partition for
    // every client language, which per-object ordering relies on.
    createPartitioner: Partitioners.DefaultPartitioner,
    // Inside a request we have < 5 s; the caller's timeout bounds the wait, not kafkajs retries.
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  let connected = false;
  producer.on(producer.events.CONNECT, () => {
    connected = true;
  });
  producer.on(producer.events.DISCONNECT, () => {
    connected = false;
  });

  return {
    async connect() {
      await producer.connect();
      connected = true;
    },
    async send(topic, messages, timeoutMs, opts) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProduceTimeoutError(timeoutMs)), timeoutMs);
      });
      const write = producer
        .send({
          topic,
          acks: -1,
          timeout: timeoutMs,
          messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        })
        .catch((err: unknown) => {
          throw new ProduceFailedError(err);
        });
      // A write that loses the race may still land later; the consumer's unique key makes
      // that harmless, and the 503 makes HubSpot retry rather than drop the delivery.
      write.catch((err: unknown) => log.debug({ err }, 'late produce failure after timeout'));
      if (opts?.onSettled) void write.then(opts.onSettled, opts.onSettled);
      try {
        await Promise.race([write, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    isConnected: () => connected,
    async disconnect() {
      await producer.disconnect();
      connected = false;
    },
  };
}
