import { kafkaSecurity } from '@hookstream/config';
import { createKafka } from '@hookstream/kafka';
import type { Logger } from '@hookstream/observability';
import { createDeadLetters, type DeadLetters } from './service.js';
import { dlqTopicsOf, loadDeadLetterSettings } from './settings.js';

/**
 * The dead-letter routes' Kafka side from the environment, or undefined when KAFKA_BROKERS is
 * unset (the routes then answer 503 KAFKA_NOT_CONFIGURED). Settings are checked now, so a bad
 * one stops start-up with one line naming it; the brokers are first asked on the first request.
 */
export function deadLettersFromEnv(env: NodeJS.ProcessEnv, log: Logger): DeadLetters | undefined {
  const s = loadDeadLetterSettings(env);
  const topics = dlqTopicsOf(s);
  if (!s.KAFKA_BROKERS) {
    log.info('dead letters: KAFKA_BROKERS unset, GET/POST /dead-letters answer 503');
    return undefined;
  }
  log.info({ topics: topics.map((t) => t.dlq) }, 'dead letters');
  const kafka = createKafka({ brokers: s.KAFKA_BROKERS, clientId: s.KAFKA_CLIENT_ID, log, ...kafkaSecurity(s) });
  return createDeadLetters({ kafka, topics, log });
}
