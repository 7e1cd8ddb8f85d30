/**
 * What an attempt looks like on the page: the verdict, per-test results, the review, or, while it is being graded,
 * the run's live progress and whether any worker is around to grade it.
 */
import type { Queryable } from '../db/pool.js';
import type { Problem } from './bank.js';
import type { CodeGrade, TestOutcome } from './offline-review.js';
import type { AttemptRow, AttemptStatus, Review } from './queries.js';
import { gradingRunState, graderWorkerAlive, type GradingRunState } from './run-status.js';
import type { NumericResult, RubricScore } from './scoring.js';

export interface AttemptView {
  attempt: AttemptRow;
  /** No more polling: the verdict and the review are in, or grading gave up. */
  final: boolean;
  label: string;
  badge: string;
  run: GradingRunState | null;
  /** Pending, and no worker has reported in recently: the page says the submission waits in the queue. */
  queuedNoWorker: boolean;
  gradingFailed: string | null;
  tests: TestOutcome[];
  passedCount: number;
  note: string | null;
  numeric: (NumericResult & { showExpected: boolean }) | null;
  rubric: RubricScore | null;
  review: Review | null;
}

const LABELS: Record<AttemptStatus, [string, string]> = {
  pending: ['Grading', 'running'],
  passed: ['Passed', 'pass'],
  failed: ['Failed', 'fail'],
  error: ['Error', 'error'],
  timeout: ['Timed out', 'timeout'],
  memory: ['Memory limit exceeded', 'error'],
  gave_up: ['Gave up', 'canceled'],
  estimated: ['Estimate, not a verdict', 'inconclusive'],
};

const FINISHED_RUN = new Set(['succeeded', 'failed', 'canceled', 'inconclusive']);

export async function attemptView(db: Queryable, problem: Problem, attempt: AttemptRow): Promise<AttemptView> {
  const run = attempt.runId ? await gradingRunState(db, attempt.runId) : null;
  const runOver = !run || FINISHED_RUN.has(run.status);
  const pending = attempt.status === 'pending';
  const gradingFailed =
    pending && run && runOver ? (run.errorMessage ?? `grading ${run.status === 'canceled' ? 'was canceled' : 'failed'}`) : null;
  const queuedNoWorker = pending && run?.status === 'queued' ? !(await graderWorkerAlive(db)) : false;
  // The review comes a moment after the verdict; keep polling for it while the run is still going.
  const final = (!pending && (attempt.review !== null || runOver)) || gradingFailed !== null;

  let [label, badge] = LABELS[attempt.status];
  if (pending && run?.status === 'queued') [label, badge] = ['Queued', 'queued'];
  if (gradingFailed) [label, badge] = ['Not graded', 'error'];

  const grade = attempt.kind === 'code' && !pending && attempt.status !== 'gave_up' ? (attempt.result as CodeGrade | null) : null;
  const tests = grade?.tests ?? [];
  const numericResult = attempt.kind === 'numeric' && attempt.result ? (attempt.result as NumericResult) : null;
  return {
    attempt,
    final,
    label,
    badge,
    run,
    queuedNoWorker,
    gradingFailed,
    tests,
    passedCount: tests.filter((t) => t.status === 'pass').length,
    note: grade?.note ?? null,
    // The expected number is itself the answer: shown only once the attempt is right.
    numeric: numericResult ? { ...numericResult, showExpected: numericResult.correct } : null,
    rubric: attempt.kind === 'written' && !pending && attempt.result ? (attempt.result as RubricScore) : null,
    review: attempt.review,
  };
}
