import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Kafka release the local broker runs; docker/kafka/pom.xml pins the same version. */
export const KAFKA_VERSION = '4.1.1';

/**
 * Root of everything the infra helpers download or persist between runs (jars, the local
 * fleet's broker data). HOOKSTREAM_CACHE moves it, e.g. onto a bigger disk.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['HOOKSTREAM_CACHE'];
  return fromEnv && fromEnv.trim() !== '' ? resolve(fromEnv) : join(homedir(), '.cache', 'hookstream');
}

export function kafkaCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), `kafka-${KAFKA_VERSION}`);
}

/** docker/kafka in this repository: the Maven project and the broker's log4j2 config. */
export function dockerKafkaDir(): string {
  // testkit is consumed from source, so this file always sits at packages/testkit/src/infra.
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', '..', '..', 'docker', 'kafka');
}
