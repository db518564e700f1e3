import type { Logger } from '@hookstream/observability';
import { containerRuntimeAvailable } from './docker-runtime.js';
import { InfraError } from './errors.js';
import { startKafkaContainer } from './kafka-container.js';
import { startLocalKafka, type LocalKafkaHandle } from './kafka-local.js';
import type { KafkaHandle } from './kafka-types.js';

export interface StartKafkaOptions {
  log: Logger;
  /** Local broker only: 0 = pick a free port. */
  port?: number;
  /** Local broker only; see LocalKafkaOptions.dataDir. */
  dataDir?: string;
  /** Local broker only: reuse whatever already answers on `port`. */
  reuseIfRunning?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * A Kafka broker for tests or the local fleet, in the design's order: KAFKA_BROKERS as given,
 * else a testcontainers container when a Docker engine answers, else a local KRaft broker
 * from the Apache jars. HOOKSTREAM_INFRA=local skips the Docker probe.
 */
export async function startKafka(opts: StartKafkaOptions): Promise<KafkaHandle | LocalKafkaHandle> {
  const env = opts.env ?? process.env;
  const fromEnv = env['KAFKA_BROKERS'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const brokers = parseBrokerList(fromEnv);
    return { brokers, source: 'env', stop: () => Promise.resolve() };
  }
  if (env['HOOKSTREAM_INFRA'] !== 'local' && (await containerRuntimeAvailable(opts.log, env))) {
    return startKafkaContainer({ log: opts.log });
  }
  return startLocalKafka({
    log: opts.log,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
    ...(opts.reuseIfRunning !== undefined ? { reuseIfRunning: opts.reuseIfRunning } : {}),
  });
}

/** Narrows a handle to one this process can kill and restart (fault-injection tests). */
export function isLocalKafka(handle: KafkaHandle): handle is LocalKafkaHandle {
  return handle.source === 'local' && 'kill' in handle;
}

export function parseBrokerList(value: string): string[] {
  const brokers = value
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  for (const b of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(b)) throw new InfraError('INVALID_SETTING', `KAFKA_BROKERS: "${b}" is not host:port`);
  }
  if (brokers.length === 0) throw new InfraError('INVALID_SETTING', 'KAFKA_BROKERS: no broker listed');
  return brokers;
}
