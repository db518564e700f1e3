import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@hookstream/observability';
import { InfraError } from './errors.js';
import { dockerKafkaDir, KAFKA_VERSION, kafkaCacheDir } from './paths.js';
import { isEnoent, runCommand, tail } from './proc.js';

const COMPLETE_MARKER = '.complete';

export interface KafkaJarsOptions {
  log?: Logger;
  /** Defaults to ${HOOKSTREAM_CACHE:-~/.cache/hookstream}/kafka-<version>. */
  cacheDir?: string;
}

/**
 * Directory holding the Kafka broker, its tools and runtime dependencies as flat jars
 * (use as `-cp '<dir>/*'`). Fetched once from Maven Central through docker/kafka/pom.xml.
 *
 * The download goes into a private temp dir that is renamed into place only when Maven
 * succeeded, so an interrupted fetch never leaves a half-filled directory that looks usable,
 * and two processes fetching at once cannot corrupt each other.
 */
export async function kafkaJarsDir(options: KafkaJarsOptions = {}): Promise<string> {
  const base = options.cacheDir ?? kafkaCacheDir();
  const libs = join(base, 'libs');
  if (existsSync(join(libs, COMPLETE_MARKER))) return libs;

  await mkdir(base, { recursive: true });
  const staging = join(base, `libs.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const pom = join(dockerKafkaDir(), 'pom.xml');
  const started = Date.now();
  options.log?.info({ dir: libs }, `fetching Kafka ${KAFKA_VERSION} jars from Maven Central (one-time, about 55 MB)`);
  try {
    const args = ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'];
    let result;
    try {
      result = await runCommand('mvn', args);
    } catch (err) {
      if (isEnoent(err)) {
        throw new InfraError(
          'MAVEN_MISSING',
          'Maven (mvn) is needed once to fetch the Kafka jars for the local broker; install Maven 3.8+ (apt-get install maven), or set KAFKA_BROKERS, or run with Docker',
          { cause: err },
        );
      }
      throw err;
    }
    if (result.code !== 0) {
      throw new InfraError('KAFKA_JARS_FETCH_FAILED', `mvn could not fetch the Kafka ${KAFKA_VERSION} jars (exit ${result.code}):\n${tail(result.output, 30)}`);
    }
    const jars = (await readdir(staging)).filter((f) => f.endsWith('.jar'));
    if (!jars.some((f) => f.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) {
      throw new InfraError('KAFKA_JARS_FETCH_FAILED', `mvn finished but ${staging} holds no kafka_2.13-${KAFKA_VERSION}.jar`);
    }
    await writeFile(join(staging, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
    await publish(staging, libs);
    options.log?.info({ dir: libs, jars: jars.length, ms: Date.now() - started }, 'Kafka jars ready');
    return libs;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function publish(staging: string, libs: string): Promise<void> {
  // A libs dir without the marker is debris from an older, interrupted layout: replace it.
  if (existsSync(libs) && !existsSync(join(libs, COMPLETE_MARKER))) await rm(libs, { recursive: true, force: true });
  try {
    await rename(staging, libs);
  } catch (err) {
    // Another process published first; its copy is complete (the marker is written before rename).
    if (existsSync(join(libs, COMPLETE_MARKER))) return;
    throw err;
  }
}
