/** What every CLI command gets: its arguments, its environment and where to write. */
export interface CommandContext {
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Human-readable output (results, progress). Logs go to the logger, not here. */
  out: (line: string) => void;
  err: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM: long-running commands finish the step in hand and stop. */
  signal?: AbortSignal;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 2, changes nothing. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
