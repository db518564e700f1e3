import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@hookstream/testkit';
import { sleep } from './stats.js';

export interface ServiceProcess {
  name: string;
  /** http://127.0.0.1:<port>, the service's own port (health port for a processor). */
  url: string;
  pid: number;
  /** CPU time (user + system) the process used so far, in ms; NaN where /proc is missing. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** utime + stime of a process from /proc (Linux), in ms. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

export interface SpawnServiceOptions {
  root: string;
  name: string;
  /** Path of the entry point, relative to the repository root. */
  entry: string;
  env: NodeJS.ProcessEnv;
  /** Where stdout/stderr go (one file per process). */
  logDir: string;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: readonly string[];
  /** Path answered with 200 once the service is ready. */
  readyPath?: string;
  readyTimeoutMs?: number;
}

/**
 * Runs a service's real entry point as its own process (as in production, and so that the
 * load generator in this process does not share its event loop), on a free loopback port.
 */
export async function spawnService(opts: SpawnServiceOptions): Promise<ServiceProcess> {
  const port = await freePort();
  const out = createWriteStream(join(opts.logDir, `${opts.name}.log`), { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', join(opts.root, opts.entry)], {
    cwd: opts.root,
    env: { ...opts.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
    out.write(c);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (gone) throw new Error(`${opts.name} exited during start-up: ${stderr.trim().slice(-1500)}`);
    try {
      const res = await fetch(`${url}${opts.readyPath ?? '/readyz'}`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`${opts.name} was not ready within ${opts.readyTimeoutMs ?? 90_000} ms: ${stderr.trim().slice(-1500)}`);
    }
    await sleep(200);
  }
  return {
    name: opts.name,
    url,
    pid: child.pid ?? -1,
    cpuMs: () => processCpuMs(child.pid ?? -1),
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      out.end();
    },
  };
}
