/**
 * The local fleet's process supervisor, doing what compose's `restart: unless-stopped` or a
 * Kubernetes Deployment does: a process that dies is started again, after a backoff that
 * doubles with each quick death (so a crash loop does not spin) and resets once a process has
 * stayed up. One dead processor replica no longer stops the edge and the rest of the fleet.
 */
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '@hookstream/observability';

export interface Backoff {
  /** Wait before the first restart. */
  initialMs: number;
  maxMs: number;
  /** A process that ran this long before dying starts the backoff afresh. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

export interface Supervisor {
  /** Starts `spawn()` now and again whenever it exits, until stop(). */
  add(name: string, spawn: () => ChildProcess): void;
  /** How often each process was restarted so far. */
  restarts(): Record<string, number>;
  /** SIGTERM to every running process, SIGKILL after `killAfterMs`; resolves once all exited. No restarts from then on. */
  stop(killAfterMs?: number): Promise<void>;
}

interface Entry {
  name: string;
  spawn: () => ChildProcess;
  proc: ChildProcess | null;
  startedAt: number;
  restarts: number;
  /** Consecutive quick deaths: the backoff's exponent. */
  streak: number;
  timer: NodeJS.Timeout | null;
}

export function createSupervisor(log: Logger, backoff: Backoff = DEFAULT_BACKOFF, now: () => number = Date.now): Supervisor {
  const entries: Entry[] = [];
  let stopping = false;

  const launch = (e: Entry): void => {
    e.timer = null;
    e.startedAt = now();
    const proc = e.spawn();
    e.proc = proc;
    proc.once('exit', (code, signal) => {
      e.proc = null;
      if (stopping) return;
      const ranMs = now() - e.startedAt;
      e.streak = ranMs >= backoff.resetAfterMs ? 0 : e.streak + 1;
      const waitMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, e.streak - 1));
      e.restarts++;
      log.error({ process: e.name, code, signal, ranMs, restartInMs: waitMs, restarts: e.restarts }, 'process exited; restarting it');
      e.timer = setTimeout(() => launch(e), waitMs);
    });
  };

  return {
    add(name, spawn) {
      const e: Entry = { name, spawn, proc: null, startedAt: 0, restarts: 0, streak: 0, timer: null };
      entries.push(e);
      launch(e);
    },
    restarts: () => Object.fromEntries(entries.map((e) => [e.name, e.restarts])),
    async stop(killAfterMs = 30_000) {
      stopping = true;
      for (const e of entries) if (e.timer) clearTimeout(e.timer);
      const running = entries.flatMap((e) => (e.proc && e.proc.exitCode === null && e.proc.signalCode === null ? [e.proc] : []));
      const exits = running.map((p) => new Promise<void>((r) => p.once('exit', () => r())));
      for (const p of running) p.kill('SIGTERM');
      const killer = setTimeout(() => running.forEach((p) => p.kill('SIGKILL')), killAfterMs);
      await Promise.all(exits);
      clearTimeout(killer);
    },
  };
}
