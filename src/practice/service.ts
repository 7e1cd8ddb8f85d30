/**
 * Practice logic behind the pages: what a problem page shows, submitting (numeric answers are checked at once;
 * code and written answers are saved and queued for the worker), giving up, drafts and notes. No Fastify here.
 */
import type pg from 'pg';
import { withTransaction, type Queryable } from '../db/pool.js';
import { AppError } from '../errors.js';
import { enqueueRun } from '../runs/enqueue.js';
import type { Bank, Problem } from './bank.js';
import { hintView, type HintView } from './hints.js';
import { GRADE_RUN_KIND } from './kinds.js';
import type { LlmPort } from './llm-port.js';
import {
  getUserAttempt,
  insertAttempt,
  listUserAttempts,
  recordSelfAssessment,
  setAttemptRun,
  type AttemptRow,
} from './queries.js';
import { checkNumeric, parseNumericAnswer, type RubricScore } from './scoring.js';
import { getUserProblemState, insertReport, resetHints, resolveReport, saveDraft, saveNotes, type UserProblemState } from './state-queries.js';

export const MAX_SUBMISSION_CHARS = 100_000;

export interface PracticeDeps {
  pool: pg.Pool;
  bank: Bank;
  llm: LlmPort;
}

export function getProblem(bank: Bank, slug: string): Problem {
  const problem = bank.bySlug.get(slug);
  if (!problem) throw new AppError('not_found', 'No problem with that name. It may have been removed from the bank.');
  return problem;
}

export interface ProblemPage {
  problem: Problem;
  state: UserProblemState;
  /** What goes in the editor: the saved draft, or the starter code the first time. */
  editorText: string;
  attempts: AttemptRow[];
  hints: HintView;
  solved: boolean;
  /** The reference solution and write-up are shown after a pass or after giving up. */
  solutionShown: boolean;
}

export async function loadProblemPage(db: Queryable, bank: Bank, userId: string, slug: string): Promise<ProblemPage> {
  const problem = getProblem(bank, slug);
  const [state, attempts] = await Promise.all([getUserProblemState(db, userId, slug), listUserAttempts(db, userId, slug)]);
  const solved = attempts.some((a) => a.status === 'passed');
  return {
    problem,
    state,
    editorText: state.draft ?? (problem.kind === 'code' ? (problem.starter ?? '') : ''),
    attempts,
    hints: hintView(problem, state.hintLevel, state.aiHints, state.aiHintsUsed),
    solved,
    solutionShown: attempts.some((a) => a.status === 'passed' || a.status === 'gave_up'),
  };
}

/** Refusals a page can name by code after a redirect (?refused=…): the message is ours, never echoed from the URL. */
export const REFUSALS = {
  'empty-answer': 'Enter an answer first.',
  'empty-code': 'Write something before submitting.',
  'not-a-number': 'Enter a number, such as 0.25, 1/4, 25% or 2.5e-1.',
} as const;
export type RefusalCode = keyof typeof REFUSALS;

/** A field-level refusal: a 422 with the user's text kept, or (`code` set) a redirect back with it saved as the draft. */
export class SubmissionError extends AppError {
  constructor(
    readonly field: string,
    message: string,
    readonly refusal?: RefusalCode,
  ) {
    super('validation_failed', message, { field });
  }
}

function refuse(field: string, code: RefusalCode): SubmissionError {
  return new SubmissionError(field, REFUSALS[code], code);
}

function checkLength(text: string, field: string): void {
  if (text.trim() === '') throw refuse(field, field === 'answer' ? 'empty-answer' : 'empty-code');
  if (text.length > MAX_SUBMISSION_CHARS) throw new SubmissionError(field, `That is ${text.length.toLocaleString('en')} characters; the limit is ${MAX_SUBMISSION_CHARS.toLocaleString('en')}.`);
}

export interface Submitted {
  attempt: AttemptRow;
  runId: string | null;
}

/**
 * Saves an attempt. Numeric answers are judged here (no sandbox needed) but still recorded. Code and written
 * answers are stored as pending with a grade-attempt run, in one transaction, so there is never an attempt
 * without its run or a run without its attempt; the draft is saved alongside so nothing typed is lost.
 */
export async function submitAttempt(deps: PracticeDeps, userId: string, slug: string, text: string): Promise<Submitted> {
  const problem = getProblem(deps.bank, slug);
  const field = problem.kind === 'numeric' ? 'answer' : problem.kind === 'code' ? 'code' : 'answer';
  checkLength(text, field);
  const state = await getUserProblemState(deps.pool, userId, slug);
  const base = {
    userId,
    slug,
    versionHash: problem.hash,
    kind: problem.kind,
    submission: text,
    hintsUsed: state.hintLevel,
    aiHintsUsed: state.aiHintsUsed,
  };

  if (problem.kind === 'numeric') {
    const given = parseNumericAnswer(text);
    if (given === undefined) throw refuse('answer', 'not-a-number');
    const result = checkNumeric(given, problem.answer!, problem.tolerance!);
    const attempt = await withTransaction(deps.pool, async (tx) => {
      await saveDraft(tx, userId, slug, text);
      const row = await insertAttempt(tx, { ...base, status: result.correct ? 'passed' : 'failed', result, score: result.correct ? 1 : 0, graded: true });
      if (result.correct) await resetHints(tx, userId, slug);
      return row;
    });
    return { attempt, runId: null };
  }

  return withTransaction(deps.pool, async (tx) => {
    await saveDraft(tx, userId, slug, text);
    const attempt = await insertAttempt(tx, { ...base, status: 'pending', graded: false });
    const run = await enqueueRun(tx, { kind: GRADE_RUN_KIND, ownerId: userId, payload: { attemptId: attempt.id }, dedupeKey: `attempt:${attempt.id}` });
    await setAttemptRun(tx, attempt.id, run.id);
    return { attempt: { ...attempt, runId: run.id }, runId: run.id };
  });
}

/** Giving up is recorded as an attempt (so history and spaced review see it) and reveals the solution. */
export async function giveUp(db: pg.Pool, bank: Bank, userId: string, slug: string): Promise<AttemptRow> {
  const problem = getProblem(bank, slug);
  const state = await getUserProblemState(db, userId, slug);
  return insertAttempt(db, {
    userId,
    slug,
    versionHash: problem.hash,
    kind: problem.kind,
    submission: state.draft ?? '',
    status: 'gave_up',
    hintsUsed: state.hintLevel,
    aiHintsUsed: state.aiHintsUsed,
    graded: true,
  });
}

export async function attemptFor(db: Queryable, userId: string, slug: string, attemptId: string): Promise<AttemptRow> {
  if (!/^[0-9a-f-]{36}$/i.test(attemptId)) throw new AppError('not_found', 'Attempt not found');
  const attempt = await getUserAttempt(db, userId, attemptId);
  if (!attempt || attempt.slug !== slug) throw new AppError('not_found', 'Attempt not found');
  return attempt;
}

/**
 * The user's own verdict on an offline-estimated written answer: which rubric points they believe they covered
 * (`covered` holds the ticked points' indexes). Recorded as self-assessed; it never marks the problem solved.
 */
export async function selfAssess(db: Queryable, userId: string, slug: string, attemptId: string, covered: string[]): Promise<AttemptRow> {
  const attempt = await attemptFor(db, userId, slug, attemptId);
  if (attempt.status !== 'estimated') throw new AppError('conflict', 'Only an answer scored by the offline estimate can be self-assessed.');
  const total = (attempt.result as RubricScore).points.length;
  const ticks = Array.from({ length: total }, (_, i) => covered.includes(String(i)));
  const assessment = { ticks, covered: ticks.filter(Boolean).length, total, at: new Date().toISOString() };
  await recordSelfAssessment(db, userId, attempt.id, assessment);
  return { ...attempt, selfAssessment: assessment };
}

/** Keeps the user's text as the problem's draft (autosave, Save draft, and before any other action); returns when. */
export function keepDraft(db: Queryable, userId: string, slug: string, text: string): Promise<Date> {
  return saveDraft(db, userId, slug, text);
}

export async function keepNotes(db: Queryable, userId: string, slug: string, notes: string): Promise<void> {
  await saveNotes(db, userId, slug, notes);
}

/** A report about a problem, for the operator; it names the problem's version, which may change before it is read. */
export function reportProblem(db: Queryable, userId: string, problem: Problem, report: { category: string; body: string }): Promise<string> {
  return insertReport(db, { userId, slug: problem.slug, versionHash: problem.hash, ...report });
}

export async function closeReport(db: Queryable, reportId: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(reportId)) throw new AppError('not_found', 'Report not found');
  await resolveReport(db, reportId);
}
