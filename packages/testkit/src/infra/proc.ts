import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  /** stdout and stderr interleaved, trimmed to the last ~64 KiB. */
  output: string;
}

const MAX_OUTPUT = 64 * 1024;

/**
 * Runs a command to completion, capturing its output for error messages. Rejects only when
 * the command cannot be started (ENOENT etc.); a non-zero exit is reported in `code`.
 */
export function runCommand(cmd: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > MAX_OUTPUT) output = output.slice(-MAX_OUTPUT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code) => resolveRun({ code, output: output.trim() }));
  });
}

/** The last `lines` lines of a text, for putting a log tail into an error message. */
export function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

export function isEnoent(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
