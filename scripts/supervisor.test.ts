import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@hookstream/observability';
import { createSupervisor } from './supervisor.js';

const log = createLogger({ name: 'test', level: 'silent' });

/** A logger that keeps each restart's planned wait, as the supervisor logs it. */
function restartLog() {
  const waits: Record<string, number[]> = {};
  const destination = new Writable({
    write(chunk, _enc, cb) {
      const line = JSON.parse(String(chunk)) as { process?: string; restartInMs?: number };
      if (line.process && line.restartInMs !== undefined) (waits[line.process] ??= []).push(line.restartInMs);
      cb();
    },
  });
  return { waits, log: createLogger({ name: 'test', level: 'info', destination }) };
}
const node = (code: string) => () => spawn(process.execPath, ['-e', code], { stdio: 'ignore' });

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('createSupervisor', () => {
  it('restarts a process that dies, with a backoff that doubles on quick deaths, and leaves the others running', async () => {
    const starts: number[] = [];
    const logged = restartLog();
    const sup = createSupervisor(logged.log, { initialMs: 50, maxMs: 150, resetAfterMs: 60_000 });
    sup.add('crashy', () => {
      starts.push(Date.now());
      return node('process.exit(3)')();
    });
    let steadyStarts = 0;
    sup.add('steady', () => {
      steadyStarts++;
      return node('setInterval(() => {}, 1000)')();
    });
    await until('four starts of the crashing process', () => starts.length >= 4);
    // Doubling from 50 ms, capped at 150.
    expect(logged.waits.crashy?.slice(0, 3)).toEqual([50, 100, 150]);
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] as number));
    expect(Math.min(...gaps.slice(0, 3))).toBeGreaterThanOrEqual(50);
    expect(steadyStarts).toBe(1);
    expect(sup.restarts().steady).toBe(0);
    await sup.stop();
    const after = starts.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(starts.length).toBe(after);
  });

  it('starts the backoff afresh for a process that stayed up long enough', async () => {
    let t = 0;
    const starts: number[] = [];
    const logged = restartLog();
    const sup = createSupervisor(logged.log, { initialMs: 30, maxMs: 10_000, resetAfterMs: 1_000 }, () => t);
    sup.add('sometimes', () => {
      starts.push(Date.now());
      // Each run "lasts" 5 s of the injected clock: longer than resetAfterMs.
      t += 5_000;
      return node('process.exit(1)')();
    });
    await until('five starts', () => starts.length >= 5);
    await sup.stop();
    // Never doubled: each run outlasted resetAfterMs.
    expect(logged.waits.sometimes?.slice(0, 4)).toEqual([30, 30, 30, 30]);
  });

  it('stop() ends running processes with SIGTERM and restarts nothing', async () => {
    const sup = createSupervisor(log, { initialMs: 10, maxMs: 10, resetAfterMs: 1 });
    let started = 0;
    let exitSignal: string | null = null;
    sup.add('long', () => {
      started++;
      const p = node('setInterval(() => {}, 1000)')();
      p.once('exit', (_code, signal) => (exitSignal = signal));
      return p;
    });
    await new Promise((r) => setTimeout(r, 200));
    await sup.stop();
    expect(exitSignal).toBe('SIGTERM');
    expect(started).toBe(1);
  });
});
