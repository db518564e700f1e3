import { runCli } from './run.js';

// The first Ctrl-C asks a long command to stop after the step in hand; a second one kills it.
const interrupt = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => interrupt.abort(sig));
process.exitCode = await runCli(
  process.argv.slice(2),
  process.env,
  (l) => process.stdout.write(`${l}\n`),
  (l) => process.stderr.write(`${l}\n`),
  interrupt.signal,
);
