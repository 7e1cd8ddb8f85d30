/**
 * SQL for problems, versions and attempts. Every function takes the executor first; one state change each.
 * Per-user state (drafts, notes, hints) and reports are in state-queries.ts.
 */
import type { Queryable } from '../db/pool.js';
import { LIVE_STATUSES } from '../runs/types.js';
import type { Kind, Problem, ProblemContent } from './bank.js';

export async function upsertProblem(db: Queryable, p: Problem): Promise<void> {
  await db.query(
    `INSERT INTO problems (slug, current_version, title, kind, topic, difficulty, minutes, active, synced_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, true, now())
     ON CONFLICT (slug) DO UPDATE SET current_version = EXCLUDED.current_version, title = EXCLUDED.title,
       kind = EXCLUDED.kind, topic = EXCLUDED.topic, difficulty = EXCLUDED.difficulty, minutes = EXCLUDED.minutes,
       active = true, synced_at = now()`,
    [p.slug, p.hash, p.title, p.kind, p.topic, p.difficulty, p.minutes],
  );
}

/** True when the version is new. Versions are immutable: a hash seen before is left alone. */
export async function insertProblemVersion(db: Queryable, hash: string, slug: string, content: ProblemContent): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO problem_versions (hash, slug, content) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING`,
    [hash, slug, JSON.stringify(content)],
  );
  return (res.rowCount ?? 0) > 0;
}

export async function deactivateMissingProblems(db: Queryable, presentSlugs: string[]): Promise<number> {
  const res = await db.query(`UPDATE problems SET active = false WHERE active AND NOT (slug = ANY($1::text[]))`, [presentSlugs]);
  return res.rowCount ?? 0;
}

export async function getVersionContent(db: Queryable, hash: string): Promise<ProblemContent | undefined> {
  const { rows } = await db.query<{ content: ProblemContent }>(`SELECT content FROM problem_versions WHERE hash = $1`, [hash]);
  return rows[0]?.content;
}

/** 'estimated': a written answer scored offline by keyword coverage, which is no verdict (migration 0017). */
export type AttemptStatus = 'pending' | 'passed' | 'failed' | 'error' | 'timeout' | 'memory' | 'gave_up' | 'estimated';

/** The rubric points a user ticked as covered on an estimated written attempt: their own judgement, not a verdict. */
export interface SelfAssessment {
  ticks: boolean[];
  covered: number;
  total: number;
  at: string;
}

export interface Review {
  text: string;
  source: 'llm' | 'offline';
  notice?: string;
}

export interface AttemptRow {
  id: string;
  userId: string;
  slug: string;
  versionHash: string;
  kind: Kind;
  submission: string;
  status: AttemptStatus;
  result: unknown;
  score: number | null;
  review: Review | null;
  hintsUsed: number;
  aiHintsUsed: number;
  runId: string | null;
  createdAt: Date;
  gradedAt: Date | null;
  selfAssessment: SelfAssessment | null;
  /** Pending, but its grading run has ended (failed for good, or canceled): it will never get a verdict. */
  notGraded: boolean;
}

const ATTEMPT_COLUMNS = `id, user_id AS "userId", slug, version_hash AS "versionHash", kind, submission, status, result, score,
  review, hints_used AS "hintsUsed", ai_hints_used AS "aiHintsUsed", run_id AS "runId", created_at AS "createdAt",
  graded_at AS "gradedAt", self_assessment AS "selfAssessment",
  (status = 'pending' AND EXISTS (SELECT 1 FROM runs r WHERE r.id = attempts.run_id AND r.status NOT IN (${LIVE_STATUSES.map((s) => `'${s}'`).join(', ')})))
    AS "notGraded"`;

export interface NewAttempt
  extends Pick<AttemptRow, 'userId' | 'slug' | 'versionHash' | 'kind' | 'submission' | 'status' | 'hintsUsed' | 'aiHintsUsed'>,
    Partial<Pick<AttemptRow, 'result' | 'score'>> {
  graded: boolean;
}

export async function insertAttempt(db: Queryable, a: NewAttempt): Promise<AttemptRow> {
  const { rows } = await db.query<AttemptRow>(
    `INSERT INTO attempts (user_id, slug, version_hash, kind, submission, status, result, score, hints_used, ai_hints_used, graded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $11::boolean THEN now() END)
     RETURNING ${ATTEMPT_COLUMNS}`,
    [a.userId, a.slug, a.versionHash, a.kind, a.submission, a.status, a.result === undefined ? null : JSON.stringify(a.result),
      a.score ?? null, a.hintsUsed, a.aiHintsUsed, a.graded],
  );
  return rows[0]!;
}

export async function setAttemptRun(db: Queryable, attemptId: string, runId: string): Promise<void> {
  await db.query(`UPDATE attempts SET run_id = $2 WHERE id = $1`, [attemptId, runId]);
}

/** Records the verdict. Only a pending attempt is graded, so a retried run cannot overwrite a later verdict. */
export async function recordGrade(
  db: Queryable,
  attemptId: string,
  grade: { status: Exclude<AttemptStatus, 'pending' | 'gave_up'>; result: unknown; score: number | null },
): Promise<boolean> {
  const res = await db.query(
    `UPDATE attempts SET status = $2, result = $3, score = $4, graded_at = now() WHERE id = $1 AND status = 'pending'`,
    [attemptId, grade.status, JSON.stringify(grade.result), grade.score],
  );
  return (res.rowCount ?? 0) > 0;
}

/** Keeps the user's own ticks; only on their estimated attempt, so it can never turn a judged verdict around. */
export async function recordSelfAssessment(db: Queryable, userId: string, attemptId: string, assessment: SelfAssessment): Promise<boolean> {
  const res = await db.query(
    `UPDATE attempts SET self_assessment = $3 WHERE id = $1 AND user_id = $2 AND status = 'estimated'`,
    [attemptId, userId, JSON.stringify(assessment)],
  );
  return (res.rowCount ?? 0) > 0;
}

export async function recordReview(db: Queryable, attemptId: string, review: Review): Promise<void> {
  await db.query(`UPDATE attempts SET review = $2 WHERE id = $1`, [attemptId, JSON.stringify(review)]);
}

export async function getAttempt(db: Queryable, attemptId: string): Promise<AttemptRow | undefined> {
  const { rows } = await db.query<AttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE id = $1`, [attemptId]);
  return rows[0];
}

/** An attempt as its owner sees it; someone else's id reads as missing. */
export async function getUserAttempt(db: Queryable, userId: string, attemptId: string): Promise<AttemptRow | undefined> {
  const { rows } = await db.query<AttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE id = $1 AND user_id = $2`, [attemptId, userId]);
  return rows[0];
}

export async function listUserAttempts(db: Queryable, userId: string, slug: string, limit = 20): Promise<AttemptRow[]> {
  const { rows } = await db.query<AttemptRow>(
    `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE user_id = $1 AND slug = $2 ORDER BY created_at DESC LIMIT $3`,
    [userId, slug, limit],
  );
  return rows;
}

export interface SlugStats {
  slug: string;
  attempts: number;
  solved: boolean;
  revealed: boolean;
}

/** One row per problem the user has touched: the whole list page's per-user state in one indexed query. */
export async function userSlugStats(db: Queryable, userId: string): Promise<SlugStats[]> {
  const { rows } = await db.query<SlugStats>(
    `SELECT slug, count(*) FILTER (WHERE status <> 'gave_up')::int AS attempts,
            bool_or(status = 'passed') AS solved, bool_or(status IN ('passed', 'gave_up')) AS revealed
       FROM attempts WHERE user_id = $1 GROUP BY slug`,
    [userId],
  );
  return rows;
}

export interface AttemptSummary {
  slug: string;
  status: AttemptStatus;
  hintsUsed: number;
  aiHintsUsed: number;
  createdAt: Date;
  /** Share of rubric points the user ticked on an estimated written attempt; null otherwise. */
  selfAssessed?: number | null;
}

/** Every attempt's outcome, oldest first: the input of the progress page's arithmetic. */
export async function listAttemptSummaries(db: Queryable, userId: string): Promise<AttemptSummary[]> {
  const { rows } = await db.query<AttemptSummary>(
    `SELECT slug, status, hints_used AS "hintsUsed", ai_hints_used AS "aiHintsUsed", created_at AS "createdAt",
            (self_assessment->>'covered')::real / NULLIF((self_assessment->>'total')::real, 0) AS "selfAssessed"
       FROM attempts WHERE user_id = $1 ORDER BY created_at`,
    [userId],
  );
  return rows;
}
