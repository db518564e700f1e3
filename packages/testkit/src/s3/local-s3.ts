import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@hookstream/observability';
import { javaBinary } from '../infra/kafka-process.js';
import { freePort, sleep } from '../infra/net.js';
import { isEnoent, tail } from '../infra/proc.js';
import { LocalS3Error } from './errors.js';
import { s3mockJar, S3MOCK_VERSION } from './s3mock-jar.js';

export interface LocalS3Options {
  log?: Logger;
  /** Created at start-up (S3Mock's initial bucket). Default "hookstream-archive". */
  bucket?: string;
  /** Default 90 s: a cold Spring Boot JVM on a loaded 2-core machine. */
  startTimeoutMs?: number;
  cacheDir?: string;
}

export interface LocalS3 {
  /** http://127.0.0.1:<port>; S3Mock speaks path-style only, so clients need forcePathStyle. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  /** S3Mock accepts any SigV4 credentials; these are what tests hand the SDK. */
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** S3Mock's own output, the first place to look when it misbehaves. */
  readonly logFile: string;
  stop(): Promise<void>;
}

const GRACEFUL_STOP_MS = 10_000;
const DEFAULT_START_TIMEOUT_MS = 90_000;

/**
 * A real S3-compatible server on loopback for tests: Adobe's S3Mock, run from its Maven Central
 * jar with the machine's Java (no Docker), storing objects in a fresh temp dir that stop() removes.
 */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const bucket = options.bucket ?? 'hookstream-archive';
  const jar = await s3mockJar({ ...(options.log ? { log: options.log } : {}), ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}) });
  const workDir = await mkdtemp(join(tmpdir(), 'hookstream-s3-'));
  const storeRoot = join(workDir, 'store');
  await mkdir(storeRoot);
  const logFile = join(workDir, 's3mock.log');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;

  const java = javaBinary();
  const args = [
    '-Xms64m',
    '-Xmx512m',
    // Start-up speed over peak throughput: a test server lives for one file's tests.
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    '-jar',
    jar,
    // The main connector, plain HTTP on loopback only. S3Mock always adds a second plain-HTTP
    // connector (httpPort) on all interfaces and refuses to start without it; port 0 gives it
    // an unused ephemeral port, and tests talk to the loopback one.
    '--server.address=127.0.0.1',
    `--server.port=${port}`,
    '--server.ssl.enabled=false',
    '--com.adobe.testing.s3mock.httpPort=0',
    `--com.adobe.testing.s3mock.store.root=${storeRoot}`,
    `--com.adobe.testing.s3mock.store.initial-buckets=${bucket}`,
    '--com.adobe.testing.s3mock.store.retain-files-on-exit=false',
    '--spring.main.banner-mode=off',
  ];
  const out = openSync(logFile, 'a');
  let child;
  try {
    child = spawn(java, args, { stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }

  let running = true;
  // A test run that exits without calling stop() must not leave a JVM behind.
  const killOnExit = (): void => {
    if (running) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((done) => {
    child.once('exit', () => {
      running = false;
      process.removeListener('exit', killOnExit);
      done();
    });
  });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (err) => {
      running = false;
      process.removeListener('exit', killOnExit);
      reject(
        isEnoent(err)
          ? new LocalS3Error('JAVA_MISSING', `Java 17+ is needed for the local S3 server (S3Mock ${S3MOCK_VERSION}); "${java}" was not found (set JAVA_HOME)`, {
              cause: err,
            })
          : err,
      );
    });
  });

  const stopProcess = async (): Promise<void> => {
    if (!running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), GRACEFUL_STOP_MS);
    await exited;
    clearTimeout(timer);
  };

  const started = Date.now();
  try {
    await Promise.race([
      spawnError,
      waitUntilServing({ endpoint, bucket, logFile, alive: () => running, timeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS }),
    ]);
  } catch (err) {
    await stopProcess();
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
  options.log?.info({ endpoint, bucket, pid: child.pid, ms: Date.now() - started }, `local S3 (S3Mock ${S3MOCK_VERSION}) started`);

  return {
    endpoint,
    bucket,
    region: 'us-east-1',
    credentials: { accessKeyId: 'hookstream-test', secretAccessKey: 'hookstream-test-secret' },
    logFile,
    async stop() {
      await stopProcess();
      await rm(workDir, { recursive: true, force: true });
      options.log?.info({ endpoint }, 'local S3 stopped');
    },
  };
}

interface ReadyCheck {
  endpoint: string;
  bucket: string;
  logFile: string;
  alive: () => boolean;
  timeoutMs: number;
}

/** Ready = HeadBucket on the initial bucket answers 200: the HTTP stack and the store are both up. */
async function waitUntilServing(c: ReadyCheck): Promise<void> {
  const deadline = Date.now() + c.timeoutMs;
  while (Date.now() < deadline) {
    if (!c.alive()) throw new LocalS3Error('S3MOCK_START_FAILED', `S3Mock exited during start-up\n${await logTail(c.logFile)}`);
    try {
      const res = await fetch(`${c.endpoint}/${c.bucket}`, { method: 'HEAD', signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new LocalS3Error('S3MOCK_START_FAILED', `S3Mock did not serve ${c.endpoint}/${c.bucket} within ${c.timeoutMs} ms\n${await logTail(c.logFile)}`);
}

async function logTail(file: string): Promise<string> {
  try {
    return tail(await readFile(file, 'utf8'), 30);
  } catch {
    return '(no S3Mock log)';
  }
}
