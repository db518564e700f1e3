import { z } from 'zod';
import { fields, KafkaSecuritySchema, parseEnv } from '@hookstream/config';
import { DEFAULT_HUBSPOT_DLQ_TOPIC, DEFAULT_HUBSPOT_TOPIC } from '@hookstream/hubspot';

/**
 * The Kafka side of the dead-letter admin routes. KAFKA_BROKERS unset: the routes answer 503
 * KAFKA_NOT_CONFIGURED and events-api opens no Kafka connection. The topic settings are the
 * processor's own names and defaults, so events-api finds the DLQ topics the processor writes.
 */
const Schema = z.object({
  KAFKA_BROKERS: fields.kafkaBrokers.optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('hookstream-events-api'),
  ...KafkaSecuritySchema.shape,
  PROVIDERS: fields.providerList,
  // HubSpot's topics are named by KAFKA_TOPIC / KAFKA_DLQ_TOPIC (settings/processor.ts).
  KAFKA_TOPIC: fields.topicName(DEFAULT_HUBSPOT_TOPIC),
  KAFKA_DLQ_TOPIC: fields.topicName(DEFAULT_HUBSPOT_DLQ_TOPIC),
  // The others put `.dlq` beside their events topic (packages/providers/{sources,crm,location} settings).
  SOURCES_KAFKA_TOPIC: fields.topicName('sources.events'),
  CRM_KAFKA_TOPIC: fields.topicName('crm.events'),
  LOCATION_KAFKA_TOPIC: fields.topicName('location.events'),
});

export type DeadLetterSettings = Readonly<z.infer<typeof Schema>>;

/** A DLQ topic and the events topic its dead letters are redriven to. */
export interface DlqTopic {
  provider: string;
  dlq: string;
  target: string;
}

export function loadDeadLetterSettings(env: NodeJS.ProcessEnv): DeadLetterSettings {
  return parseEnv(Schema, env);
}

/** The DLQ topic of every provider in PROVIDERS, as the processor hosting it names them. */
export function dlqTopicsOf(s: DeadLetterSettings): DlqTopic[] {
  const beside = (provider: string, events: string): DlqTopic => ({ provider, dlq: `${events}.dlq`, target: events });
  const known: Record<string, DlqTopic> = {
    hubspot: { provider: 'hubspot', dlq: s.KAFKA_DLQ_TOPIC, target: s.KAFKA_TOPIC },
    sources: beside('sources', s.SOURCES_KAFKA_TOPIC),
    crm: beside('crm', s.CRM_KAFKA_TOPIC),
    location: beside('location', s.LOCATION_KAFKA_TOPIC),
  };
  return s.PROVIDERS.flatMap((p) => (known[p] ? [known[p]] : []));
}
