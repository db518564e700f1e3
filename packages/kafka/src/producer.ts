import { Partitioners, type Producer } from 'kafkajs';
import type { Kafka } from './client.js';
import type { Logger } from '@hookstream/observability';
import { createCoalescer } from './coalesce.js';
import { platformaticProducerDriver } from './platformatic/producer.js';

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

export interface ProducerOptions {
  /** Sends per topic in flight at once; concurrent callers beyond that share one send. Default 4. */
  maxInFlight?: number;
  /** Bytes (keys, values, headers) one shared send stops growing at. Default 512 KiB. */
  maxBatchBytes?: number;
}

/** What one client library contributes to a producer: connect, one acks=all write, disconnect. */
export interface ProducerDriver {
  connect(): Promise<void>;
  write(topic: string, messages: readonly DriverMessage[], timeoutMs: number): Promise<void>;
  disconnect(): Promise<void>;
}

export interface DriverMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string> | undefined;
}

export function createProducer(kafka: Kafka, log: Logger, opts: ProducerOptions = {}): EventProducer {
  let connected = false;
  const setConnected = (c: boolean): void => {
    connected = c;
  };
  const driver = kafka.client === 'platformatic' ? platformaticProducerDriver(kafka, log) : kafkaJsProducerDriver(kafka, setConnected);
  // Concurrent deliveries share produce requests (see coalesce.ts); each caller still resolves
  // only when the send carrying its own messages is acknowledged with acks=all.
  const coalescer = createCoalescer<DriverMessage>((topic, messages, timeoutMs) => driver.write(topic, messages, timeoutMs), {
    maxInFlight: opts.maxInFlight ?? 4,
    maxBatchBytes: opts.maxBatchBytes ?? 512 * 1024,
  });

  return {
    async connect() {
      await driver.connect();
      connected = true;
    },
    async send(topic, messages, timeoutMs, opts) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProduceTimeoutError(timeoutMs)), timeoutMs);
      });
      let bytes = 0;
      const outbound = messages.map((m) => {
        bytes += m.key.length + m.value.length + 64;
        return { key: m.key, value: m.value, headers: m.headers };
      });
      const write = coalescer.submit(topic, outbound, bytes, timeoutMs).catch((err: unknown) => {
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
      await driver.disconnect();
      connected = false;
    },
  };
}

function kafkaJsProducerDriver(kafka: Kafka, setConnected: (connected: boolean) => void): ProducerDriver {
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    // Java-compatible murmur2 partitioning: the same key lands on the same partition for
    // every client language, which per-object ordering relies on.
    createPartitioner: Partitioners.DefaultPartitioner,
    // Inside a request we have < 5 s; the caller's timeout bounds the wait, not kafkajs retries.
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  producer.on(producer.events.CONNECT, () => setConnected(true));
  producer.on(producer.events.DISCONNECT, () => setConnected(false));
  return {
    connect: () => producer.connect(),
    async write(topic, messages, timeoutMs) {
      await producer.send({ topic, acks: -1, timeout: timeoutMs, messages: [...messages] });
    },
    disconnect: () => producer.disconnect(),
  };
}
