/**
 * bench-run: executes one benchmark run (src/bench/execute.ts). This file adapts it to the run queue and supplies
 * the code-grading port: model-written code runs in the sandboxed grader pool, which returns test results as plain
 * data, and src/bench/grade.ts decides the verdict from those counts.
 */
import { BudgetSpentError, executeBenchRun, type ExecuteDeps } from '../../src/bench/execute.js';
import type { CodeGradingPort } from '../../src/bench/grade.js';
import { BENCH_RUN_KIND } from '../../src/bench/kinds.js';
import { gradeSubmission, type Grader } from '../../src/practice/grading.js';
import { LeaseLostError, PermanentError } from '../errors.js';
import type { RunHandler } from './types.js';

/** The grading port, implemented by the worker's sandboxed grader pool. */
export function sandboxCodeGrader(grader: Grader): CodeGradingPort {
  return {
    async gradeCode(task, code) {
      // The same path as practice: the runner sees inputs only, the judge in this process decides each case.
      const result = await gradeSubmission(grader, { slug: task.itemId, cases: task.cases }, code);
      const passed = result.tests.filter((t) => t.status === 'pass').length;
      return { status: result.status, passed, total: result.tests.length, ...(result.note ? { note: result.note } : {}) };
    },
  };
}

export function createBenchRunHandler(deps: ExecuteDeps): RunHandler {
  return {
    kind: BENCH_RUN_KIND,
    async handle(_payload, ctx) {
      try {
        return await executeBenchRun(deps, {
          runId: ctx.runId,
          attempt: ctx.attempt,
          signal: ctx.signal,
          progress: (done, total, message) => ctx.progress(done, total, message),
          leaseLost: () => new LeaseLostError(ctx.runId, ctx.attempt),
        });
      } catch (err) {
        if (err instanceof BudgetSpentError) throw new PermanentError(err.message, 'budget_spent');
        throw err;
      }
    },
  };
}
