import type { Logger } from 'pino';

export interface Closer {
  name: string;
  close: () => Promise<void>;
}

export interface ShutdownOptions {
  /** Upper bound for the whole shutdown; past it the process exits with code 1. */
  timeoutMs?: number;
  /** Injected for tests; defaults to process.exit. */
  exit?: (code: number) => void;
}

/**
 * Runs the closers in order (stop intake → drain in-flight work → close stores) on SIGTERM or
 * SIGINT, once. Every closer runs even if an earlier one fails. Wired only from main.ts.
 */
export function installShutdown(log: Logger, closers: Closer[], options: ShutdownOptions = {}): (reason: string) => Promise<void> {
  const timeoutMs = options.timeoutMs ?? 25_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let closing: Promise<void> | undefined;
  const shutdown = (reason: string, initialCode = 0): Promise<void> => {
    if (closing) return closing;
    closing = (async () => {
      let code = initialCode;
      log.info({ reason, timeoutMs }, 'shutting down');
      const timer = setTimeout(() => {
        log.error({ timeoutMs }, 'shutdown timed out');
        exit(1);
      }, timeoutMs);
      timer.unref();
      for (const c of closers) {
        try {
          await c.close();
          log.info({ closer: c.name }, 'closed');
        } catch (err) {
          code = 1;
          log.error({ err, closer: c.name }, 'close failed');
        }
      }
      clearTimeout(timer);
      log.info({ code }, 'shutdown complete');
      exit(code);
    })();
    return closing;
  };
  for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => void shutdown(s));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled rejection');
    void shutdown('unhandledRejection', 1);
  });
  return (reason) => shutdown(reason);
}
