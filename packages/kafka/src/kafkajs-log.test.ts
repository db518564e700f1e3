import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@hookstream/observability';
import { isRecovered, pinoLogCreator } from './kafkajs-log.js';

/** kafkajs's log entries through our creator into a real pino logger at `level`; the lines it wrote. */
function route(level: 'info' | 'debug', entries: Array<{ level: logLevel; message: string; error?: string }>): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const log = createLogger({ name: 'kafkajs-log-test', level, destination });
  const entry = pinoLogCreator(log)(logLevel.INFO);
  for (const e of entries) {
    const { level: l, message, ...rest } = e;
    entry({ namespace: 'Connection', level: l, label: logLevel[l], log: { timestamp: '', logger: 'kafkajs', message, ...rest } });
  }
  return lines;
}

describe("kafkajs's log lines", () => {
  const rebalancing = { level: logLevel.ERROR, message: 'Response Heartbeat(key: 12, version: 3)', error: 'The group is rebalancing, so a rejoin is needed' };
  const moved = { level: logLevel.ERROR, message: 'Response Metadata(key: 3, version: 6)', error: 'This server does not host this topic-partition' };
  const refused = { level: logLevel.ERROR, message: 'Response SaslAuthenticate(key: 36, version: 1)', error: 'Authentication failed' };

  it('keeps the error answers kafkajs recovers from (rejoin, metadata refresh) out of the default level, and every other error in it', () => {
    const lines = route('info', [rebalancing, moved, refused, { level: logLevel.INFO, message: 'Consumer has joined the group' }]);
    expect(lines.map((l) => [l['level'], l['msg']])).toEqual([[50, 'Response SaslAuthenticate(key: 36, version: 1)']]);
  });

  it('still writes them at debug, with the broker error', () => {
    const lines = route('debug', [rebalancing, moved]);
    expect(lines.map((l) => [l['level'], (l['kafka'] as { error?: string }).error])).toEqual([
      [20, rebalancing.error],
      [20, moved.error],
    ]);
  });

  it('recognises only Response lines with a recovered broker error', () => {
    expect(isRecovered('Response Heartbeat(key: 12, version: 3)', 'The group is rebalancing, so a rejoin is needed')).toBe(true);
    expect(isRecovered('Crash: KafkaJSNumberOfRetriesExceeded', 'The group is rebalancing, so a rejoin is needed')).toBe(false);
    expect(isRecovered('Response Produce(key: 0, version: 7)', 'Not enough in-sync replicas')).toBe(false);
    expect(isRecovered('Response Produce(key: 0, version: 7)', undefined)).toBe(false);
  });
});
