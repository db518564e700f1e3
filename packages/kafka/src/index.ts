/**
 * @module kafka: the only module that touches a Kafka client library: @platformatic/kafka (the
 * default) or kafkajs 2.2.4, chosen by KAFKA_CLIENT (docs/kafka.md "Kafka clients").
 */
export { createKafka, type Kafka, type KafkaClientName, type KafkaClientOptions } from './client.js';
export { ensureTopics, type TopicSpec } from './topics.js';
export {
  encodeEnvelope,
  decodeEnvelope,
  decodeLedgerEnvelope,
  EnvelopeError,
  isTraceparent,
  readTraceparent,
  stampTraceparent,
  type Envelope,
  type LedgerEnvelope,
} from './envelope.js';
export { createProducer, ProduceFailedError, ProduceTimeoutError, type EventProducer, type OutboundMessage, type ProducerOptions } from './producer.js';
export { createBatchConsumer, type BatchConsumer, type BatchConsumerOptions, type BatchContext, type BatchHandler, type ConsumedMessage } from './consumer.js';
export { publishDeadLetters, failureHeaders, readFailureInfo, redriveHeaders, DLQ_HEADERS, type DeadLetter, type FailureInfo } from './dead-letter.js';
export { openTopicAdmin, type TopicAdmin, type PartitionOffsets, type GroupDescription } from './topic-admin.js';
export { readRanges, type PartitionRange, type ReadRangesOptions } from './range-reader.js';
export { partitionForKey } from './partition.js';
export { consumerLagGauge, type LagSource } from './lag.js';
export { deadLetterView, type DeadLetterView } from './dead-letter-view.js';
export { planRanges, type Plan, type PlanInput } from './redrive-plan.js';
export {
  planSelection,
  planTimeRange,
  redriveRanges,
  redriveSelection,
  REDRIVE_GROUP,
  type OffsetPick,
  type RedriveRoute,
  type RedriveRunOptions,
  type SelectionPlan,
  type TimeRange,
} from './redrive.js';
