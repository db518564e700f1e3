/**
 * `npm test`: runs every vitest project (unit + integration; the integration project
 * provisions Kafka and the database itself) and ends with one plain line counted from
 * vitest's own JSON results: "N passed, N failed, N skipped". Failures that are not test
 * cases (a file that fails to load, a hook that throws, an unhandled error) count as failed
 * too, each listed on stderr first; see scripts/test-summary.ts. Extra arguments go to vitest.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCodeFor, formatFailure, formatSummary, summarise, type JsonReport, type RunErrors } from './test-summary.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const resultsDir = join(root, '.test-results');
const resultsFile = join(resultsDir, 'vitest.json');
const errorsFile = join(resultsDir, 'vitest-errors.json');
mkdirSync(resultsDir, { recursive: true });
// A previous run's files must never stand in for this run's.
rmSync(resultsFile, { force: true });
rmSync(errorsFile, { force: true });

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * Lint (import cycles, shared packages importing a provider, …) and formatting are part of the
 * whole suite, so CI enforces them; a failing check counts as one failure of the run. They are
 * skipped when vitest gets arguments (a file or project picked by hand).
 */
function staticChecks(): Array<{ file: string; message: string }> {
  if (process.argv.length > 2) return [];
  const checks: Array<[name: string, bin: string, args: string[]]> = [
    ['eslint', join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), ['.']],
    ['prettier', join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), ['--check', '.']],
  ];
  const failed: Array<{ file: string; message: string }> = [];
  for (const [name, bin, checkArgs] of checks) {
    const r = spawnSync(process.execPath, [bin, ...checkArgs], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0)
      failed.push({ file: name, message: `${name} ${checkArgs.join(' ')} failed (exit ${r.status ?? r.signal}); run npm run lint / npm run format` });
  }
  return failed;
}

const staticFailures = staticChecks();
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = [
  vitest,
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
  `--reporter=${join(root, 'scripts', 'test-errors-reporter.ts')}`,
  `--outputFile.errors=${errorsFile}`,
  ...process.argv.slice(2),
];
const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: root, env: process.env });
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (exitCode, signal) => {
  const run = summarise({ report: readJson<JsonReport>(resultsFile), errors: readJson<RunErrors>(errorsFile), exitCode, signal });
  const summary = { ...run, failed: run.failed + staticFailures.length, nonTestFailures: [...staticFailures, ...run.nonTestFailures] };
  process.stdout.write('\n');
  for (const f of summary.nonTestFailures) process.stderr.write(`${formatFailure(f, root)}\n`);
  process.stdout.write(`${formatSummary(summary)}\n`);
  process.exit(staticFailures.length > 0 ? 1 : exitCodeFor(summary, exitCode));
});
