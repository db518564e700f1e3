import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@hookstream/observability';
import { cacheRoot } from '../infra/paths.js';
import { isEnoent, runCommand, tail } from '../infra/proc.js';
import { LocalS3Error } from './errors.js';

/**
 * Adobe's S3Mock (Apache-2.0), the Spring Boot "exec" jar from Maven Central. 4.x is the newest
 * line that runs on Java 17, the machine's default JDK (5.x moved to Spring Boot 4).
 */
export const S3MOCK_VERSION = '4.12.4';
const ARTIFACT = `com.adobe.testing:s3mock:${S3MOCK_VERSION}:jar:exec`;
const JAR_NAME = `s3mock-${S3MOCK_VERSION}-exec.jar`;

export interface S3MockJarOptions {
  log?: Logger;
  /** Defaults to ${HOOKSTREAM_CACHE:-~/.cache/hookstream}/s3mock-<version>. */
  cacheDir?: string;
}

export function s3mockCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), `s3mock-${S3MOCK_VERSION}`);
}

/**
 * Path of the S3Mock jar, fetched once (about 60 MB) with Maven, which the Kafka jars need
 * anyway. Maven copies it into a private staging dir that is renamed into place, so an
 * interrupted fetch never leaves a truncated jar at the final path and concurrent fetches
 * cannot corrupt each other (the same scheme as kafkaJarsDir).
 */
export async function s3mockJar(options: S3MockJarOptions = {}): Promise<string> {
  const base = options.cacheDir ?? s3mockCacheDir();
  const jar = join(base, JAR_NAME);
  if (existsSync(jar)) return jar;

  await mkdir(base, { recursive: true });
  const staging = join(base, `staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  const started = Date.now();
  options.log?.info({ artifact: ARTIFACT }, `fetching S3Mock ${S3MOCK_VERSION} from Maven Central (one-time, about 60 MB)`);
  try {
    // dependency:copy needs no pom: it fetches exactly this artifact, without its dependency tree.
    const args = ['-q', '-B', 'dependency:copy', `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${staging}`];
    let result;
    try {
      result = await runCommand('mvn', args, { cwd: base });
    } catch (err) {
      if (isEnoent(err)) {
        throw new LocalS3Error(
          'MAVEN_MISSING',
          'Maven (mvn) is needed once to fetch S3Mock for the local S3 server; install Maven 3.8+ (apt-get install maven)',
          {
            cause: err,
          },
        );
      }
      throw err;
    }
    if (result.code !== 0) throw new LocalS3Error('S3MOCK_FETCH_FAILED', `mvn could not fetch ${ARTIFACT} (exit ${result.code}):\n${tail(result.output, 30)}`);
    if (!(await readdir(staging)).includes(JAR_NAME)) throw new LocalS3Error('S3MOCK_FETCH_FAILED', `mvn finished but ${staging} holds no ${JAR_NAME}`);
    // rename(2) replaces atomically; a concurrent fetcher's identical jar may win, which is fine.
    await rename(join(staging, JAR_NAME), jar);
    options.log?.info({ jar, ms: Date.now() - started }, 'S3Mock jar ready');
    return jar;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
