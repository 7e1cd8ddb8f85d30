/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after vitest's own summary, so CI logs can
 * be read by tools that know only that form.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      // A file that failed outside its tests (an import error, a beforeAll that threw: no browser, say) leaves tests
      // that never ran. Those count as failed, not skipped, or this line would read "0 failed" on a red run.
      const fileFailed = mod.state() === 'failed';
      let tests = 0;
      for (const test of mod.children.allTests()) {
        tests++;
        const state = test.result().state;
        const skippedOnPurpose = test.options.mode === 'skip' || test.options.mode === 'todo';
        if (state === 'passed') passed++;
        else if (state === 'failed' || (fileFailed && !skippedOnPurpose)) failed++;
        else skipped++;
      }
      if (fileFailed && tests === 0) failed++;
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
