import { z } from 'zod';
import { kafkaBrokers, logLevel, topicName } from './fields.js';
import { parseEnv } from './parse.js';

/** Settings of the dead-letter CLI commands (dlq:inspect, dlq:redrive); same names as the processor's. */
export const DlqCliSchema = z.object({
  KAFKA_BROKERS: kafkaBrokers,
  KAFKA_CLIENT_ID: z.string().default('hookstream-cli'),
  /** Where redriven dead letters go. */
  KAFKA_TOPIC: topicName('hubspot.events'),
  KAFKA_DLQ_TOPIC: topicName('hubspot.events.dlq'),
  /** Log lines go to stderr; the commands' own output is on stdout. */
  LOG_LEVEL: logLevel.default('warn'),
});

export type DlqCliConfig = Readonly<z.infer<typeof DlqCliSchema>>;

export function loadDlqCliConfig(env: NodeJS.ProcessEnv = process.env): DlqCliConfig {
  return parseEnv(DlqCliSchema, env);
}
