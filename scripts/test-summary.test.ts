import { describe, expect, it } from 'vitest';
import { exitCodeFor, formatFailure, formatSummary, summarise, type JsonReport, type RunErrors, type SummaryInput } from './test-summary.js';

/*
 * Fixtures: what vitest 4.1.12 wrote for small throwaway test files run through scripts/test.ts
 * (`--reporter=json` and scripts/test-errors-reporter.ts), cut down to the fields the summary
 * reads; values are as captured, except the syntax error's code frame, shortened. vitest
 * exited with code 1 in every case.
 */
const dir = '/tmp/hs-throwaway/cases';

/** it() passing, failing, it.skip and it.todo in one file. */
const plain: Captured = {
  report: {
    numPassedTests: 1,
    numFailedTests: 1,
    numPendingTests: 1,
    numTodoTests: 1,
    success: false,
    testResults: [
      {
        name: `${dir}/plain.test.ts`,
        status: 'failed',
        message: '',
        assertionResults: [{ status: 'passed' }, { status: 'failed' }, { status: 'skipped' }, { status: 'todo' }],
      },
    ],
  },
  errors: { suites: [], unhandled: [] },
};

/** `throw new Error('boom on import')` at the top of the file. */
const importThrows: Captured = {
  report: {
    numPassedTests: 0,
    numFailedTests: 0,
    numPendingTests: 0,
    numTodoTests: 0,
    success: false,
    testResults: [{ name: `${dir}/import-throws.test.ts`, status: 'failed', message: 'boom on import', assertionResults: [] }],
  },
  errors: { suites: [{ file: `${dir}/import-throws.test.ts`, message: 'boom on import' }], unhandled: [] },
};

const missingMessage = `Cannot find module './does-not-exist.js' imported from ${dir}/missing-module.test.ts`;
/** `import { nope } from './does-not-exist.js'`. */
const missingModule: Captured = {
  report: {
    numPassedTests: 0,
    numFailedTests: 0,
    numPendingTests: 0,
    numTodoTests: 0,
    success: false,
    testResults: [{ name: `${dir}/missing-module.test.ts`, status: 'failed', message: missingMessage, assertionResults: [] }],
  },
  errors: { suites: [{ file: `${dir}/missing-module.test.ts`, message: missingMessage }], unhandled: [] },
};

const syntaxMessage =
  'Transform failed with 1 error:\n\n\u001b[31m[PARSE_ERROR] \u001b[0mUnexpected token\n   \u001b[38;5;246m\u256d\u001b[0m\u001b[38;5;246m\u2500\u001b[0m\u001b[38;5;246m[\u001b[0m ../../tmp/hs-throwaway/cases/syntax-error.test.ts:2:37 \u001b[38;5;246m]\u001b[0m\n   \u001b[38;5;246m\u2502\u001b[0m\n \u001b[38;5;246m2 \u2502\u001b[0m \u001b[38;5;249mi\u001b[0m\u001b[38;5;249mt\u001b[0m\n \u001b[38;5;240m  \u2502\u001b[0m                                     \u252c  \n\u001b[38;5;246m\u2500\u2500\u2500\u256f\u001b[0m\n';
/** `it('never collected', () => { const = ; });` */
const syntaxError: Captured = {
  report: {
    numPassedTests: 0,
    numFailedTests: 0,
    numPendingTests: 0,
    numTodoTests: 0,
    success: false,
    testResults: [{ name: `${dir}/syntax-error.test.ts`, status: 'failed', message: syntaxMessage, assertionResults: [] }],
  },
  errors: { suites: [{ file: `${dir}/syntax-error.test.ts`, message: syntaxMessage }], unhandled: [] },
};

/** describe('group') whose beforeAll throws 'beforeAll failed', with two tests. */
const beforeAllFails: Captured = {
  report: {
    numPassedTests: 0,
    numFailedTests: 0,
    numPendingTests: 2,
    numTodoTests: 0,
    success: false,
    testResults: [{ name: `${dir}/before-all.test.ts`, status: 'failed', message: '', assertionResults: [{ status: 'skipped' }, { status: 'skipped' }] }],
  },
  errors: { suites: [{ file: `${dir}/before-all.test.ts`, suite: 'group', message: 'beforeAll failed' }], unhandled: [] },
};

/** A top-level afterAll throwing 'afterAll failed' after one passing test. */
const afterAllFails: Captured = {
  report: {
    numPassedTests: 1,
    numFailedTests: 0,
    numPendingTests: 0,
    numTodoTests: 0,
    success: false,
    testResults: [{ name: `${dir}/after-all.test.ts`, status: 'failed', message: 'afterAll failed', assertionResults: [{ status: 'passed' }] }],
  },
  errors: { suites: [{ file: `${dir}/after-all.test.ts`, message: 'afterAll failed' }], unhandled: [] },
};

/** A passing test that leaves `Promise.reject(new Error('nobody handled this'))` unhandled. */
const unhandledRejection: Captured = {
  report: {
    numPassedTests: 1,
    numFailedTests: 0,
    numPendingTests: 0,
    numTodoTests: 0,
    success: true,
    testResults: [{ name: `${dir}/unhandled-rejection.test.ts`, status: 'passed', message: '', assertionResults: [{ status: 'passed' }] }],
  },
  errors: {
    suites: [],
    unhandled: [
      { message: 'nobody handled this', file: `${dir}/unhandled-rejection.test.ts`, test: 'leaves a rejection nobody handles', type: 'Unhandled Rejection' },
    ],
  },
};

/** A passing test whose setTimeout callback throws 'thrown from a timer'. */
const uncaughtException: Captured = {
  report: {
    numPassedTests: 1,
    numFailedTests: 0,
    numPendingTests: 0,
    numTodoTests: 0,
    success: true,
    testResults: [{ name: `${dir}/uncaught-exception.test.ts`, status: 'passed', message: '', assertionResults: [{ status: 'passed' }] }],
  },
  errors: {
    suites: [],
    unhandled: [{ message: 'thrown from a timer', file: `${dir}/uncaught-exception.test.ts`, test: 'throws from a timer', type: 'Uncaught Exception' }],
  },
};

/** A globalSetup that throws: vitest prints the error, runs no file, and reporters see nothing. */
const globalSetupThrows: Captured = {
  report: { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, success: false, testResults: [] },
  errors: { suites: [], unhandled: [] },
};

interface Captured {
  report: JsonReport;
  errors: RunErrors;
}

const run = (c: Captured, over: Partial<SummaryInput> = {}) => summarise({ report: c.report, errors: c.errors, exitCode: 1, signal: null, ...over });
const counts = (c: Captured, over: Partial<SummaryInput> = {}) => formatSummary(run(c, over));

describe('summarise', () => {
  it('counts test cases as vitest does: skipped and todo are both skipped', () => {
    expect(counts(plain)).toBe('1 passed, 1 failed, 2 skipped');
    expect(run(plain).nonTestFailures).toEqual([]);
  });

  it.each([
    ['a file that throws on import', importThrows, '0 passed, 1 failed, 0 skipped', 'boom on import'],
    ['a file importing a missing module', missingModule, '0 passed, 1 failed, 0 skipped', missingMessage],
    ['a file with a syntax error', syntaxError, '0 passed, 1 failed, 0 skipped', syntaxMessage],
    ['a failing beforeAll in a describe block', beforeAllFails, '0 passed, 1 failed, 2 skipped', 'group: beforeAll failed'],
    ['a failing afterAll', afterAllFails, '1 passed, 1 failed, 0 skipped', 'afterAll failed'],
  ])('counts %s as one failed suite', (_, c, line, message) => {
    expect(counts(c)).toBe(line);
    expect(run(c).nonTestFailures).toEqual([{ file: c.report.testResults[0]?.name, message }]);
  });

  it.each([
    ['an unhandled rejection', unhandledRejection, 'Unhandled Rejection: nobody handled this (latest test: "leaves a rejection nobody handles")'],
    ['an uncaught exception', uncaughtException, 'Uncaught Exception: thrown from a timer (latest test: "throws from a timer")'],
  ])('counts %s as a failure although every test passed', (_, c, message) => {
    expect(counts(c)).toBe('1 passed, 1 failed, 0 skipped');
    expect(run(c).nonTestFailures).toEqual([{ file: c.report.testResults[0]?.name, message }]);
  });

  it('counts every failure of a run with all of them together', () => {
    const all = [plain, importThrows, missingModule, syntaxError, beforeAllFails, afterAllFails, unhandledRejection, uncaughtException];
    const merged: Captured = {
      report: {
        numPassedTests: all.reduce((n, c) => n + c.report.numPassedTests, 0),
        numFailedTests: all.reduce((n, c) => n + c.report.numFailedTests, 0),
        numPendingTests: all.reduce((n, c) => n + c.report.numPendingTests, 0),
        numTodoTests: all.reduce((n, c) => n + c.report.numTodoTests, 0),
        success: false,
        testResults: all.flatMap((c) => c.report.testResults),
      },
      errors: { suites: all.flatMap((c) => c.errors.suites), unhandled: all.flatMap((c) => c.errors.unhandled) },
    };
    // 1 failed test + 5 failed suites + 2 unhandled errors.
    expect(counts(merged)).toBe('4 passed, 8 failed, 4 skipped');
  });

  it('counts a run vitest failed with nothing to show for it (globalSetup threw, no test file matched) as one failure', () => {
    expect(counts(globalSetupThrows)).toBe('0 passed, 1 failed, 0 skipped');
    expect(run(globalSetupThrows).nonTestFailures[0]?.file).toBe('vitest');
  });

  it('counts a run with no JSON report as one failure', () => {
    const s = summarise({ report: undefined, errors: undefined, exitCode: null, signal: 'SIGKILL' });
    expect(formatSummary(s)).toBe('0 passed, 1 failed, 0 skipped');
    expect(s.nonTestFailures).toEqual([{ file: 'vitest', message: 'wrote no JSON results (killed by SIGKILL)' }]);
  });

  it('counts a clean run as clean', () => {
    const green: Captured = {
      report: { ...unhandledRejection.report, success: true },
      errors: { suites: [], unhandled: [] },
    };
    const s = run(green, { exitCode: 0 });
    expect(formatSummary(s)).toBe('1 passed, 0 failed, 0 skipped');
    expect(exitCodeFor(s, 0)).toBe(0);
  });

  describe('without the errors reporter’s file', () => {
    it.each([
      ['a file that throws on import', importThrows, 'boom on import'],
      ['a file with a syntax error', syntaxError, syntaxMessage],
      ['a failing afterAll', afterAllFails, 'afterAll failed'],
    ])('still counts %s from the JSON report’s message', (_, c, message) => {
      expect(run(c, { errors: undefined }).nonTestFailures).toEqual([{ file: c.report.testResults[0]?.name, message }]);
      expect(run(c, { errors: undefined }).failed).toBe(1);
    });

    it('still counts a failing beforeAll in a describe block, which leaves the JSON report no message', () => {
      const s = run(beforeAllFails, { errors: undefined });
      expect(formatSummary(s)).toBe('0 passed, 1 failed, 2 skipped');
      expect(s.nonTestFailures[0]?.message).toMatch(/outside any test/);
    });

    it('does not count a file whose only failures are its tests twice', () => {
      expect(counts(plain, { errors: undefined })).toBe('1 passed, 1 failed, 2 skipped');
    });

    it('still fails the run that only had an unhandled error, from vitest’s exit code', () => {
      const s = run(unhandledRejection, { errors: undefined });
      expect(formatSummary(s)).toBe('1 passed, 1 failed, 0 skipped');
      expect(s.nonTestFailures[0]?.message).toMatch(/exit code 1/);
    });
  });
});

describe('exitCodeFor', () => {
  it('is non-zero whenever something failed, even if vitest exited 0', () => {
    expect(exitCodeFor(run(unhandledRejection, { exitCode: 0 }), 0)).toBe(1);
    expect(exitCodeFor(run(importThrows), 1)).toBe(1);
    expect(exitCodeFor(summarise({ report: undefined, errors: undefined, exitCode: null, signal: 'SIGTERM' }), null)).toBe(1);
  });
});

describe('formatFailure', () => {
  it('gives one line, the file relative to the root, without colour codes or the code frame', () => {
    const line = formatFailure({ file: `${dir}/syntax-error.test.ts`, message: syntaxMessage }, '/tmp/hs-throwaway');
    expect(line).toBe(
      'FAIL cases/syntax-error.test.ts: Transform failed with 1 error: [PARSE_ERROR] Unexpected token ╭─[ ../../tmp/hs-throwaway/cases/syntax-error.test.ts:2:37 ]',
    );
  });

  it('cuts long messages', () => {
    const line = formatFailure({ file: 'vitest', message: 'x'.repeat(1000) }, '/work', 50);
    expect(line).toBe(`FAIL vitest: ${'x'.repeat(49)}…`);
  });
});
