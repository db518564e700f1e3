import { kafkaSecurity, type DlqCliConfig } from '@hookstream/config';
import { createKafka, type Kafka } from '@hookstream/kafka';
import { createLogger, type Logger } from '@hookstream/observability';
import type { CommandContext } from '../command.js';

/** The Kafka client of a DLQ command. Its log lines go to the command's stderr, never stdout. */
export function cliKafka(config: DlqCliConfig, ctx: CommandContext): { kafka: Kafka; log: Logger } {
  const security = kafkaSecurity(config);
  const log = createLogger({ name: 'cli', level: config.LOG_LEVEL, destination: { write: (s: string) => ctx.err(s.trimEnd()) } });
  return { kafka: createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, log, ...security }), log };
}
