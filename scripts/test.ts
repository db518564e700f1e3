/**
 * `npm test`: runs every vitest project (unit + integration; the integration project
 * provisions Kafka and the database itself) and ends with one plain line counted from
 * vitest's own JSON results: "N passed, N failed, N skipped". Extra arguments go to vitest.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const resultsDir = join(root, '.test-results');
const resultsFile = join(resultsDir, 'vitest.json');
mkdirSync(resultsDir, { recursive: true });
rmSync(resultsFile, { force: true });

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success: boolean;
}

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)];
const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: root, env: process.env });
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => {
  let report: JsonReport | undefined;
  try {
    report = JSON.parse(readFileSync(resultsFile, 'utf8')) as JsonReport;
  } catch {
    process.stderr.write(`test: vitest wrote no results to ${resultsFile} (exit code ${code})\n`);
    process.exit(code || 1);
  }
  const skipped = report.numPendingTests + report.numTodoTests;
  process.stdout.write(`\n${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped\n`);
  process.exit(code ?? (report.success ? 0 : 1));
});
