import { logLevel as KafkaLogLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from '@hookstream/observability';

/**
 * Broker error answers kafkajs 2.2.4 handles itself: retriable codes (leader moves, coordinator
 * loading or moving, a topic just created) and the group codes it answers with a rejoin. Their
 * texts are kafkajs's own (src/protocol/error.js), which is pinned.
 */
const RECOVERED_ERRORS = new Set([
  'The group is rebalancing, so a rejoin is needed',
  'The coordinator is not aware of this member',
  'Specified group generation id is not valid',
  'The group coordinator is not available',
  'This is not the correct coordinator for this group',
  "The coordinator is loading and hence can't process requests",
  'This server is not the leader for that topic-partition',
  'This server does not host this topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'Topic with this name already exists',
]);

/** A `Response <api>` error line whose broker error kafkajs recovers from. */
export function isRecovered(message: string, error: unknown): boolean {
  return message.startsWith('Response ') && typeof error === 'string' && RECOVERED_ERRORS.has(error);
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug' | 'trace'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  // kafkajs DEBUG is every request and response: trace, and only asked for when trace is on.
  [KafkaLogLevel.DEBUG]: 'trace',
};

const CONNECT_FAILURE = /^(Connection error|Failed to connect to seed broker|Connection timeout)/;

/** Routes kafkajs's own log lines into a pino child so they share format and redaction. */
export function pinoLogCreator(log: Logger): logCreator {
  return () =>
    ({ level, label, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      const method = LEVELS[level] ?? 'info';
      // A broker that cannot be reached is retried for up to ~40 s, each retry an ERROR with a
      // stack: one short warning per retry says the same, and the final failure is one line
      // from runService naming KAFKA_BROKERS.
      if (method === 'error' && CONNECT_FAILURE.test(message)) {
        log.warn(
          { broker: rest.broker, retryCount: rest.retryCount, error: typeof rest.error === 'string' ? rest.error : undefined },
          `kafka: ${message.slice(0, 200)}`,
        );
        return;
      }
      // kafkajs logs INFO lines for every join/leave; they are debug noise for operators. An
      // error answer kafkajs recovers from by itself (a rejoin, a metadata refresh, a retry) is
      // part of a normal start or rebalance: logged at debug, where an ERROR would page someone.
      const effective = method === 'info' || (method === 'error' && isRecovered(message, rest.error)) ? 'debug' : method;
      log[effective]({ kafka: rest, kafkaLevel: label }, message);
    };
}
