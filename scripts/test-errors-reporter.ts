/**
 * A vitest reporter that scripts/test.ts adds on the command line (never in vitest.config.ts,
 * so a plain `vitest` run is unchanged). It writes the errors vitest 4's JSON reporter leaves
 * out to the file given as `--outputFile.errors=PATH`: unhandled errors and rejections (not in
 * that report at all) and the errors of describe blocks' hooks (there, a file whose describe
 * block's beforeAll threw is "failed" with an empty message and its tests "skipped").
 * The shape is RunErrors in scripts/test-summary.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Reporter, SerializedError, TestModule, Vitest } from 'vitest/node';
import type { RunErrors } from './test-summary.js';

export default class RunErrorsReporter implements Reporter {
  private outputFile: string | undefined;

  onInit(vitest: Vitest): void {
    const out = vitest.config.outputFile;
    this.outputFile = typeof out === 'object' ? out['errors'] : undefined;
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): Promise<void> {
    if (!this.outputFile) return;
    const result: RunErrors = { suites: [], unhandled: [] };
    for (const m of testModules) {
      // A module's own errors: it failed to load, or a top-level hook threw. Failed tests
      // keep their errors to themselves, so nothing here is counted twice.
      const own = m.errors();
      if (own.length > 0) result.suites.push({ file: m.moduleId, message: messages(own) });
      for (const s of m.children.allSuites()) {
        const errs = s.errors();
        if (errs.length > 0) result.suites.push({ file: m.moduleId, suite: s.fullName, message: messages(errs) });
      }
    }
    for (const e of unhandledErrors) {
      const entry: RunErrors['unhandled'][number] = { message: e.message ?? String(e) };
      // vitest tags the errors it caught while a test file ran with these fields.
      if (typeof e['VITEST_TEST_PATH'] === 'string') entry.file = e['VITEST_TEST_PATH'];
      if (typeof e['VITEST_TEST_NAME'] === 'string') entry.test = e['VITEST_TEST_NAME'];
      if (typeof e['type'] === 'string') entry.type = e['type'];
      result.unhandled.push(entry);
    }
    await mkdir(dirname(this.outputFile), { recursive: true });
    await writeFile(this.outputFile, `${JSON.stringify(result, null, 2)}\n`);
  }
}

function messages(errors: ReadonlyArray<{ message: string }>): string {
  return errors.map((e) => e.message).join('; ');
}
