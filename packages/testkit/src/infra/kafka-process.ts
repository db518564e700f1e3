import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError } from './errors.js';
import { canConnect, sleep } from './net.js';
import { isEnoent, runCommand, tail } from './proc.js';

/** Everything needed to launch one broker JVM from the fetched jars. */
export interface BrokerLaunch {
  jarsDir: string;
  propertiesFile: string;
  /** kafka.logs.dir: server.log (log4j2) and stdout.log (JVM output) go here. */
  logsDir: string;
  log4jConfig: string;
  javaBin?: string;
  /**
   * Largest heap in MiB; default 1024. A three-node cluster on a 2-core machine gives each node
   * less, so the cluster and the rest of the test run fit in memory together.
   */
  maxHeapMb?: number;
  /** More JVM flags, before the main class (e.g. -XX:TieredStopAtLevel=1 for a faster start). */
  jvmArgs?: readonly string[];
}

export interface BrokerProcess {
  readonly pid: number;
  /** Settles when the JVM has exited (never rejects). */
  readonly exited: Promise<void>;
  alive(): boolean;
  signal(sig: NodeJS.Signals): void;
}

export function javaBinary(env: NodeJS.ProcessEnv = process.env): string {
  const home = env['JAVA_HOME'];
  return home ? join(home, 'bin', 'java') : 'java';
}

function classpathArgs(l: BrokerLaunch): string[] {
  return ['-cp', join(l.jarsDir, '*'), `-Dkafka.logs.dir=${l.logsDir}`, `-Dlog4j2.configurationFile=${l.log4jConfig}`, '-Djava.awt.headless=true'];
}

/** Writes the KRaft metadata (meta.properties, bootstrap checkpoint) into an empty log dir. */
export async function formatStorage(l: BrokerLaunch, clusterId: string, extraArgs: readonly string[] = []): Promise<void> {
  const java = l.javaBin ?? javaBinary();
  let result;
  try {
    result = await runCommand(java, [...classpathArgs(l), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', l.propertiesFile, ...extraArgs]);
  } catch (err) {
    if (isEnoent(err)) throw javaMissing(java, err);
    throw err;
  }
  if (result.code !== 0) {
    throw new InfraError('KAFKA_FORMAT_FAILED', `formatting the Kafka storage failed (exit ${result.code}):\n${tail(result.output, 20)}`);
  }
}

/**
 * Starts the broker JVM. It is killed when this Node process exits, so a crashed test run
 * does not leave brokers behind (a SIGKILLed Node process still can; ports are per run).
 */
export function spawnBroker(l: BrokerLaunch): Promise<BrokerProcess> {
  const java = l.javaBin ?? javaBinary();
  const out = openSync(join(l.logsDir, 'stdout.log'), 'a');
  let child: ChildProcess;
  try {
    const maxHeap = l.maxHeapMb ?? 1024;
    const heap = [`-Xms${Math.min(256, maxHeap)}m`, `-Xmx${maxHeap}m`];
    child = spawn(java, [...heap, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', ...(l.jvmArgs ?? []), ...classpathArgs(l), 'kafka.Kafka', l.propertiesFile], {
      stdio: ['ignore', out, out],
    });
  } finally {
    closeSync(out);
  }
  return new Promise((resolveSpawn, reject) => {
    child.once('error', (err) => reject(isEnoent(err) ? javaMissing(java, err) : err));
    child.once('spawn', () => {
      const pid = child.pid ?? -1;
      let running = true;
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
      resolveSpawn({
        pid,
        exited,
        alive: () => running,
        signal: (sig) => {
          if (running) child.kill(sig);
        },
      });
    });
  });
}

export interface ReadyCheck {
  proc: BrokerProcess;
  port: number;
  serverLog: string;
  /** Byte offset of server.log when this start began; earlier starts' lines are ignored. */
  logOffset: number;
  timeoutMs: number;
  stdoutLog: string;
}

/**
 * Waits until this start logged "Kafka Server started" (the broker is unfenced and serving)
 * and the listener accepts connections. Fails fast if the JVM exits; on timeout the JVM is
 * killed. Either error carries the log tail, which is what one needs to see.
 */
export async function waitForBroker(c: ReadyCheck): Promise<void> {
  const deadline = Date.now() + c.timeoutMs;
  while (Date.now() < deadline) {
    if (!c.proc.alive()) {
      throw new InfraError('KAFKA_START_FAILED', `the Kafka broker exited during start-up\n${await logTails(c)}`);
    }
    if ((await readFrom(c.serverLog, c.logOffset)).includes('Kafka Server started') && (await canConnect(c.port))) return;
    await sleep(100);
  }
  c.proc.signal('SIGKILL');
  await c.proc.exited;
  throw new InfraError('KAFKA_START_FAILED', `the Kafka broker did not start within ${c.timeoutMs} ms\n${await logTails(c)}`);
}

export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function readFrom(path: string, offset: number): Promise<string> {
  if (!existsSync(path)) return '';
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    // A smaller file means log4j rolled it over; everything in it is from this start.
    const from = size < offset ? 0 : offset;
    const buf = Buffer.alloc(size - from);
    await handle.read(buf, 0, buf.length, from);
    return buf.toString('utf8');
  } finally {
    await handle.close();
  }
}

async function logTails(c: ReadyCheck): Promise<string> {
  const text = await readFrom(c.serverLog, c.logOffset);
  const server = tail(text, 25);
  const stdout = existsSync(c.stdoutLog) ? tail(await readFile(c.stdoutLog, 'utf8'), 20) : '';
  return `${firstErrors(text)}--- ${c.serverLog} (tail) ---\n${server || '(empty)'}\n--- ${c.stdoutLog} (tail) ---\n${stdout || '(empty)'}`;
}

/**
 * The first ERROR entries with the line after each (the exception message): a failed start
 * ends in a long shutdown sequence, so the tail alone rarely shows the cause.
 */
export function firstErrors(text: string, max = 3): string {
  const lines = text.split('\n');
  const picked: string[] = [];
  for (let i = 0; i < lines.length && picked.length < max * 2; i++) {
    const line = lines[i] ?? '';
    if (/^\[[^\]]*\] (ERROR|FATAL) /.test(line)) picked.push(line, lines[i + 1] ?? '');
  }
  return picked.length === 0 ? '' : `--- first errors ---\n${picked.join('\n')}\n`;
}

function javaMissing(java: string, cause: unknown): InfraError {
  return new InfraError(
    'JAVA_MISSING',
    `cannot run ${java}: the local Kafka broker needs Java 17+ (set JAVA_HOME or put java on PATH), or set KAFKA_BROKERS, or run with Docker`,
    { cause },
  );
}
