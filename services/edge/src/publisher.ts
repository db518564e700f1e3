import type { EventProducer, OutboundMessage } from '@hookstream/kafka';

/** What the webhook route needs from Kafka: durable publication or a typed failure. */
export interface EventPublisher {
  /** Resolves once every message is acknowledged with acks=all; rejects otherwise. */
  publish(messages: readonly OutboundMessage[]): Promise<void>;
  ready(): boolean;
}

export function createKafkaPublisher(producer: EventProducer, topic: string, timeoutMs: number): EventPublisher {
  return {
    publish: (messages) => producer.send(topic, messages, timeoutMs),
    ready: () => producer.isConnected(),
  };
}
