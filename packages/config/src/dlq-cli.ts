import { z } from 'zod';
import { kafkaBrokers, logLevel, topicName } from './fields.js';
import { KafkaSecuritySchema } from './managed.js';
import { parseEnv } from './parse.js';

/** The topics the dead-letter commands use when KAFKA_TOPIC / KAFKA_DLQ_TOPIC are unset: a provider's. */
export interface DlqTopicDefaults {
  topic: string;
  dlqTopic: string;
}

/**
 * Settings of the dead-letter CLI commands (dlq:inspect, dlq:redrive); same names as the
 * processor's. The commands work on any provider's dead letters, so the default topics come
 * from the caller (the CLI passes HubSpot's, as the processor's defaults are HubSpot's).
 */
export function dlqCliSchema(defaults: DlqTopicDefaults) {
  return z.object({
    KAFKA_BROKERS: kafkaBrokers,
    KAFKA_CLIENT_ID: z.string().default('hookstream-cli'),
    ...KafkaSecuritySchema.shape,
    /** Where redriven dead letters go. */
    KAFKA_TOPIC: topicName(defaults.topic),
    KAFKA_DLQ_TOPIC: topicName(defaults.dlqTopic),
    /** Log lines go to stderr; the commands' own output is on stdout. */
    LOG_LEVEL: logLevel.default('warn'),
  });
}

export type DlqCliConfig = Readonly<z.infer<ReturnType<typeof dlqCliSchema>>>;

export function loadDlqCliConfig(env: NodeJS.ProcessEnv, defaults: DlqTopicDefaults): DlqCliConfig {
  return parseEnv(dlqCliSchema(defaults), env);
}
