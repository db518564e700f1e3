import { UsageError, type CommandContext } from './command.js';
import { COMMANDS } from './registry.js';

/** `hookstream <command> [args]`; returns the exit code. Separate from main.ts so tests call it directly. */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: CommandContext['out'],
  err: CommandContext['err'],
  signal?: AbortSignal,
): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === 'help') {
    out('usage: npm run cli -- <command> [options]\n\ncommands:');
    for (const [n, load] of Object.entries(COMMANDS)) out(`  ${n.padEnd(22)} ${(await load()).summary}`);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    err(`unknown command "${name}" (see: npm run cli -- --help)`);
    return 2;
  }
  const command = await load();
  try {
    return await command.run({ args, env, out, err, ...(signal ? { signal } : {}) });
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${name}: ${e.message}\nusage: ${command.usage}`);
      return 2;
    }
    if ((e as { code?: string }).code === 'CONFIG_INVALID') {
      err(`${name}: invalid configuration: ${(e as Error).message}`);
      return 2;
    }
    err(`${name}: ${(e as Error).message}`);
    return 1;
  }
}
