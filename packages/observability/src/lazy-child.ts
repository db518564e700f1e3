import type { Bindings, ChildLoggerOptions, Level } from 'pino';
import type { Logger } from './logger.js';

const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * Fastify's `childLoggerFactory` for a hot route: the request's child logger (its `reqId`
 * binding) is made the first time the request logs at an enabled level, not for every
 * request. pino serialises and redacts a child's bindings when it is made: about 4 % of the
 * edge's CPU per 1-event delivery (CPU profile), for a child that most requests never use,
 * since the one line per delivery names its reqId itself. A child with its own options (a
 * route's logLevel or serializers) is made at once, as Fastify would.
 */
export function lazyChildLoggerFactory(logger: Logger, bindings: Bindings, opts: ChildLoggerOptions): Logger {
  if (Object.keys(opts).length > 0) return logger.child(bindings, opts);
  return new LazyChild(logger, bindings) as unknown as Logger;
}

type LogArgs = [unknown, ...unknown[]];

class LazyChild {
  #child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  /** The real child; made once. */
  get made(): Logger {
    this.#child ??= this.parent.child(this.bindings);
    return this.#child;
  }

  get level(): string {
    return (this.#child ?? this.parent).level;
  }

  set level(level: string) {
    this.made.level = level;
  }

  /** What the child would be, without making it: its level is its parent's until set. */
  isLevelEnabled(level: string): boolean {
    return (this.#child ?? this.parent).isLevelEnabled(level);
  }

  child(bindings: Bindings, opts?: ChildLoggerOptions): Logger {
    return this.made.child(bindings, opts);
  }

  silent(): void {}

  log(level: Level, args: LogArgs): void {
    if (!this.isLevelEnabled(level)) return;
    (this.made[level] as (...a: LogArgs) => void)(...args);
  }
}

for (const level of LEVELS) {
  Object.defineProperty(LazyChild.prototype, level, {
    value(this: LazyChild, ...args: LogArgs) {
      this.log(level, args);
    },
  });
}
