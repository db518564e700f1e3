import type { EventProducer, OutboundMessage } from '@hookstream/kafka';

/** What the webhook route needs from Kafka: durable publication or a typed failure. */
export interface EventPublisher {
  /**
   * Resolves once every message is acknowledged with acks=all; rejects otherwise. A publisher
   * that rejects with a timeout (code KAFKA_TIMEOUT) while the write goes on must call
   * `onSettled` when it ends: the in-flight budget holds the messages' bytes until then.
   */
  publish(topic: string, messages: readonly OutboundMessage[], opts?: { onSettled?: () => void }): Promise<void>;
  ready(): boolean;
}

export function createKafkaPublisher(producer: EventProducer, timeoutMs: number): EventPublisher {
  return {
    publish: (topic, messages, opts) => producer.send(topic, messages, timeoutMs, opts),
    ready: () => producer.isConnected(),
  };
}
