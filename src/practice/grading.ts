/**
 * Grading one attempt, as the worker's grade-attempt run does it: code goes through the sandboxed grader against
 * the tests of the version the attempt was made against; written answers are scored against their rubric; then
 * the review is written. Safe to re-run after a crash: a graded attempt is not graded again, only its missing
 * review is written.
 */
import type { Queryable } from '../db/pool.js';
import type { Problem } from './bank.js';
import type { TestCase } from './judge.js';
import type { LlmPort } from './llm-port.js';
import type { CodeGrade } from './offline-review.js';
import { getAttempt, getVersionContent, recordGrade, recordReview, type AttemptRow } from './queries.js';
import { reviewCode, scoreWritten } from './review.js';
import { WRITTEN_PASS_SHARE } from './scoring.js';
import { resetHints } from './state-queries.js';
import { notifyUserChanged } from './user-events.js';

/** The sandbox as this module needs it: structurally the grader pool from worker/grader. */
export interface Grader {
  grade(req: { code: string; cases: TestCase[] }): Promise<CodeGrade>;
}

/**
 * The one way code is graded, for practice attempts and benchmark runs alike: `code` runs in a sandboxed runner
 * that receives only the cases' inputs, and the verdict is made by the judge in this process from the expected
 * values stored with the problem version. Returns plain data (status, per-case results, note); never throws for
 * anything the code does. See docs/grading-sandbox.md.
 */
export async function gradeSubmission(grader: Grader, problem: Pick<Problem, 'slug' | 'cases'>, code: string): Promise<CodeGrade> {
  if (!problem.cases?.length) throw new GradingError(`problem ${problem.slug} has no test cases (a version from before cases.json)`);
  return grader.grade({ code, cases: problem.cases });
}

export interface GradingDeps {
  db: Queryable;
  grader: Grader;
  llm: LlmPort;
}

export type ProgressFn = (done: number, total: number, message: string) => Promise<void>;

export class GradingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GradingError';
  }
}

async function versionOf(db: Queryable, attempt: AttemptRow): Promise<Problem> {
  const content = await getVersionContent(db, attempt.versionHash);
  if (!content) throw new GradingError(`problem version ${attempt.versionHash.slice(0, 12)} is missing`);
  return { ...content, hash: attempt.versionHash };
}

async function gradeCode(deps: GradingDeps, attempt: AttemptRow, problem: Problem, progress: ProgressFn): Promise<CodeGrade> {
  if (attempt.status === 'pending') {
    await progress(0, 2, 'Running the tests in the sandbox');
    const grade = await gradeSubmission(deps.grader, problem, attempt.submission);
    const passed = grade.tests.filter((t) => t.status === 'pass').length;
    const score = grade.tests.length ? passed / grade.tests.length : 0;
    await recordGrade(deps.db, attempt.id, { status: grade.status, result: grade, score });
    if (grade.status === 'passed') await resetHints(deps.db, attempt.userId, attempt.slug);
    // The verdict changes the user's list and problem page: web processes drop their cached copies.
    await notifyUserChanged(deps.db, attempt.userId);
    return grade;
  }
  return attempt.result as CodeGrade;
}

export async function gradeAttempt(
  deps: GradingDeps,
  attemptId: string,
  progress: ProgressFn = async () => {},
): Promise<{ attemptId: string; slug: string; status: string; score: number | null }> {
  const attempt = await getAttempt(deps.db, attemptId);
  if (!attempt) throw new GradingError(`attempt ${attemptId} not found`);
  if (attempt.status !== 'pending' && attempt.review) return { attemptId, slug: attempt.slug, status: attempt.status, score: attempt.score };
  const problem = await versionOf(deps.db, attempt);

  if (attempt.kind === 'code') {
    const grade = await gradeCode(deps, attempt, problem, progress);
    await progress(1, 2, 'Writing the review');
    const review = await reviewCode(deps.llm, { userId: attempt.userId, problem, code: attempt.submission, grade });
    await recordReview(deps.db, attempt.id, review);
    await notifyUserChanged(deps.db, attempt.userId);
    await progress(2, 2, 'Graded');
    const passed = grade.tests.filter((t) => t.status === 'pass').length;
    return { attemptId, slug: attempt.slug, status: grade.status, score: grade.tests.length ? passed / grade.tests.length : 0 };
  }

  if (attempt.kind === 'written') {
    await progress(0, 1, 'Scoring the answer against the rubric');
    const { score, review } = await scoreWritten(deps.llm, { userId: attempt.userId, problem, answer: attempt.submission });
    // Only a judge gives a verdict. Keyword coverage cannot tell a list of keywords from an argued answer, so the
    // offline figure is recorded as an estimate: it never marks the problem solved or reveals the write-up.
    const status = score.estimate ? 'estimated' : score.score >= WRITTEN_PASS_SHARE ? 'passed' : 'failed';
    if (attempt.status === 'pending') {
      await recordGrade(deps.db, attempt.id, { status, result: score, score: score.score });
      if (status === 'passed') await resetHints(deps.db, attempt.userId, attempt.slug);
    }
    await recordReview(deps.db, attempt.id, review);
    await notifyUserChanged(deps.db, attempt.userId);
    await progress(1, 1, 'Scored');
    return { attemptId, slug: attempt.slug, status, score: score.score };
  }
  throw new GradingError(`attempts of kind ${attempt.kind} are checked when submitted, not by the worker`);
}
