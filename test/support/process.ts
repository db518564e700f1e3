import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

export interface ServiceProcess {
  proc: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
  /** Sends a signal and measures how long until exit. */
  signal(sig: NodeJS.Signals): number;
}

/** Runs a service's real entry point (services/<name>/src/main.ts) as its own process. */
export function startService(name: 'edge' | 'processor' | 'events-api' | 'dispatcher', env: Record<string, string>): ServiceProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'services', name, 'src', 'main.ts')], {
    cwd: root,
    // KAFKA_CLIENT is the run's choice of Kafka library (test/support/kafka.ts), so a spawned service uses the same one.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...(process.env.KAFKA_CLIENT ? { KAFKA_CLIENT: process.env.KAFKA_CLIENT } : {}),
      // DEBUG=plt:kafka:consumer (and the like) shows @platformatic/kafka's own group events; see TEST_SERVICE_LOG_DIR below.
      ...(process.env.DEBUG ? { DEBUG: process.env.DEBUG } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = keepOutput(name, proc.pid);
  const onData = (c: Buffer): void => {
    out += c.toString('utf8');
    keep?.(c);
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  let signalledAt = Date.now();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, afterMs: Date.now() - signalledAt })),
  );
  return {
    proc,
    output: () => out,
    exited,
    signal(sig) {
      signalledAt = Date.now();
      proc.kill(sig);
      return signalledAt;
    },
  };
}

/**
 * TEST_SERVICE_LOG_DIR=dir: each spawned service's output is also appended to
 * dir/<service>-<pid>.log, to read a failed or slow run's processes after the test ended.
 */
function keepOutput(name: string, pid: number | undefined): ((chunk: Buffer) => void) | undefined {
  const dir = process.env.TEST_SERVICE_LOG_DIR;
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${pid ?? 'unknown'}.log`);
  return (chunk) => appendFileSync(file, chunk);
}
