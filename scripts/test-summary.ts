/**
 * The counting behind `npm test`'s last line, "N passed, N failed, N skipped", as a pure
 * function of what vitest wrote (scripts/test.ts does the I/O).
 *
 * vitest 4's JSON reporter counts only test cases. A test file that fails to import, a failing
 * beforeAll/afterAll and an unhandled error or rejection are not test cases, so on their own
 * they would show as "0 failed" (or turn a file's tests into "skipped"). Each of them is
 * counted here as one failure, and listed, so the line never reads clean when the run was not.
 */
import type { JsonAssertionResult, JsonTestResult, JsonTestResults } from 'vitest/node';

/** The part of vitest's JSON report (`--reporter=json`) that the summary reads. */
export type JsonReport = Pick<JsonTestResults, 'numPassedTests' | 'numFailedTests' | 'numPendingTests' | 'numTodoTests' | 'success'> & {
  testResults: Array<Pick<JsonTestResult, 'name' | 'status' | 'message'> & { assertionResults: Array<Pick<JsonAssertionResult, 'status'>> }>;
};

/** What scripts/test-errors-reporter.ts writes: the errors the JSON report leaves out or loses. */
export interface RunErrors {
  /**
   * One entry per test file or describe block that has errors of its own: the file failed to
   * load or a hook of it threw. Failing tests are not here (they are in the JSON report).
   */
  suites: Array<{ file: string; suite?: string; message: string }>;
  /** Errors vitest caught outside any test's own result: unhandled rejections, uncaught exceptions. */
  unhandled: Array<{ file?: string; test?: string; type?: string; message: string }>;
}

export interface Failure {
  /** The test file (absolute, as vitest reports it), or "vitest" when the failure is the run's own. */
  file: string;
  message: string;
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  /** The failures that are not test cases; each one is also counted in `failed`. */
  nonTestFailures: Failure[];
}

export interface SummaryInput {
  /** Undefined when vitest wrote no JSON report at all (it crashed, or was killed). */
  report: JsonReport | undefined;
  /** Undefined when the errors reporter wrote nothing; the JSON report alone is used then. */
  errors: RunErrors | undefined;
  exitCode: number | null;
  signal: string | null;
}

export function summarise({ report, errors, exitCode, signal }: SummaryInput): Summary {
  const nonTestFailures: Failure[] = [];
  if (!report) {
    nonTestFailures.push({ file: 'vitest', message: `wrote no JSON results (${exitDescription(exitCode, signal)})` });
    return { passed: 0, failed: 1, skipped: 0, nonTestFailures };
  }

  if (errors) for (const s of errors.suites) nonTestFailures.push({ file: s.file, message: s.suite ? `${s.suite}: ${s.message}` : s.message });
  const explained = new Set(errors?.suites.map((s) => s.file));
  for (const file of report.testResults) {
    if (file.status !== 'failed' || explained.has(file.name)) continue;
    // Without the errors reporter's word (or if it missed one), the JSON report still gives a
    // file's own error as `message` (a load error or a top-level hook); a file marked failed
    // with neither a message nor a failed test had a hook in a describe block throw.
    const failedTests = file.assertionResults.some((a) => a.status === 'failed');
    if (file.message !== '') nonTestFailures.push({ file: file.name, message: file.message });
    else if (!failedTests) nonTestFailures.push({ file: file.name, message: 'failed outside any test (a hook in a describe block?); see the output above' });
  }

  for (const u of errors?.unhandled ?? []) {
    // vitest names the test that was running when the error surfaced, which need not be the
    // test that caused it; say so, as vitest does.
    const during = u.test ? ` (latest test: "${u.test}")` : '';
    nonTestFailures.push({ file: u.file ?? 'vitest', message: `${u.type ?? 'Unhandled error'}: ${u.message}${during}` });
  }

  let failed = report.numFailedTests + nonTestFailures.length;
  // A run vitest calls failed must not add up to "0 failed": a globalSetup that throws, or no
  // test file matching, leaves no test, suite or unhandled error behind, only the exit code.
  if (failed === 0 && (exitCode !== 0 || signal !== null || !report.success)) {
    nonTestFailures.push({
      file: 'vitest',
      message: `the run failed without a failing test or suite (${exitDescription(exitCode, signal)}${report.success ? '' : ', report says unsuccessful'}); see the output above`,
    });
    failed = 1;
  }
  return { passed: report.numPassedTests, failed, skipped: report.numPendingTests + report.numTodoTests, nonTestFailures };
}

function exitDescription(exitCode: number | null, signal: string | null): string {
  return signal !== null ? `killed by ${signal}` : `exit code ${exitCode}`;
}

/** Non-zero whenever anything failed, keeping vitest's own code when it has one. */
export function exitCodeFor(s: Summary, vitestExitCode: number | null): number {
  return s.failed > 0 ? vitestExitCode || 1 : 0;
}

/** The last line of `npm test`; other tools read it, so its shape never changes. */
export function formatSummary(s: Summary): string {
  return `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`;
}

/**
 * One line per failure. Messages can carry colour codes and, for a transform error, a code
 * frame over many lines; the frame (its lines start at a "│" gutter) is in vitest's own output
 * above, so the line keeps only what precedes it.
 */
export function formatFailure(f: Failure, root: string, maxLength = 300): string {
  const file = f.file.startsWith(`${root}/`) ? f.file.slice(root.length + 1) : f.file;
  const lines = f.message.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const frame = lines.findIndex((l) => /^\s*(\d+\s*)?│/.test(l));
  const message = (frame === -1 ? lines : lines.slice(0, frame)).join(' ').replace(/\s+/g, ' ').trim();
  const cut = message.length > maxLength ? `${message.slice(0, maxLength - 1)}…` : message;
  return `FAIL ${file}: ${cut}`;
}
