export interface ProgressOptions {
  /** e.g. "redriven" → "redriven 1200/5000 (240/s)". */
  label: string;
  total: number;
  write: (line: string) => void;
  now: () => number;
  /** At most one line per this many ms while running; default 1000. */
  everyMs?: number;
}

export interface Progress {
  add(n: number): void;
  /** Prints the final line. */
  finish(): void;
  readonly done: number;
}

/** A throttled progress line for long runs (stderr, so stdout stays the command's result). */
export function createProgress(opts: ProgressOptions): Progress {
  const started = opts.now();
  const everyMs = opts.everyMs ?? 1000;
  let done = 0;
  // The first chunk is reported at once, so an operator sees the run has started moving.
  let lastPrint = Number.NEGATIVE_INFINITY;
  const print = () => {
    const seconds = Math.max(0.001, (opts.now() - started) / 1000);
    opts.write(`${opts.label} ${done}/${opts.total} (${Math.round(done / seconds)}/s)`);
  };
  return {
    add(n) {
      done += n;
      if (opts.now() - lastPrint >= everyMs) {
        lastPrint = opts.now();
        print();
      }
    },
    finish: print,
    get done() {
      return done;
    },
  };
}
