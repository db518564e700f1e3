import { describeStartupError } from './startup-errors.js';

/**
 * Runs a service's start-up. A configuration error (code CONFIG_INVALID) stops start-up with
 * one plain line naming the setting, exit code 2; anything else is printed once, exit code 1.
 * Written to stderr directly because the logger may not exist yet (its level is a setting too).
 */
export async function runService(name: string, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (err) {
    const e = err as { code?: string; message?: string; stack?: string };
    if (e?.code === 'CONFIG_INVALID') {
      process.stderr.write(`${name}: invalid configuration: ${e.message}\n`);
      process.exit(2);
    }
    // A database, broker or port problem is one line naming its setting; only a bug gets a stack.
    const known = describeStartupError(err);
    process.stderr.write(known ? `${name}: cannot start: ${known}\n` : `${name}: failed to start: ${e?.stack ?? String(err)}\n`);
    process.exit(1);
  }
}
