/**
 * SQL for what a user keeps on a problem between attempts (draft, notes, revealed hints) and for problem reports.
 */
import type { Queryable } from '../db/pool.js';

export interface AiHint {
  text: string;
  source: 'llm' | 'offline';
  at: string;
  /** Why an offline answer stands in for the AI (e.g. the daily budget is used up); shown above it. */
  notice?: string;
}

export interface UserProblemState {
  draft: string | null;
  draftSavedAt: Date | null;
  notes: string;
  hintLevel: number;
  /** The latest AI hints kept as text (at most KEPT_AI_HINTS), oldest first. */
  aiHints: AiHint[];
  /** How many AI hints were asked for since the last reset, including ones no longer kept. */
  aiHintsUsed: number;
}

const EMPTY: UserProblemState = { draft: null, draftSavedAt: null, notes: '', hintLevel: 0, aiHints: [], aiHintsUsed: 0 };

export async function getUserProblemState(db: Queryable, userId: string, slug: string): Promise<UserProblemState> {
  const { rows } = await db.query<UserProblemState>(
    `SELECT draft, draft_saved_at AS "draftSavedAt", notes, hint_level AS "hintLevel", ai_hints AS "aiHints",
            ai_hints_used AS "aiHintsUsed"
       FROM problem_user_state WHERE user_id = $1 AND slug = $2`,
    [userId, slug],
  );
  return rows[0] ?? { ...EMPTY };
}

export async function saveDraft(db: Queryable, userId: string, slug: string, draft: string): Promise<Date> {
  const { rows } = await db.query<{ savedAt: Date }>(
    `INSERT INTO problem_user_state (user_id, slug, draft, draft_saved_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (user_id, slug) DO UPDATE SET draft = EXCLUDED.draft, draft_saved_at = now(), updated_at = now()
     RETURNING draft_saved_at AS "savedAt"`,
    [userId, slug, draft],
  );
  return rows[0]!.savedAt;
}

export async function saveNotes(db: Queryable, userId: string, slug: string, notes: string): Promise<void> {
  await db.query(
    `INSERT INTO problem_user_state (user_id, slug, notes) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, slug) DO UPDATE SET notes = EXCLUDED.notes, updated_at = now()`,
    [userId, slug, notes],
  );
}

/**
 * Reveals the next canned hint, never past `max`, and returns the level now shown. Done in SQL so two tabs
 * clicking at once reveal one level each rather than both reading 1 and writing 2.
 */
export async function revealNextHint(db: Queryable, userId: string, slug: string, max: number): Promise<number> {
  const { rows } = await db.query<{ level: number }>(
    `INSERT INTO problem_user_state (user_id, slug, hint_level) VALUES ($1, $2, LEAST(1, $3::int))
     ON CONFLICT (user_id, slug) DO UPDATE SET hint_level = LEAST(problem_user_state.hint_level + 1, $3::int), updated_at = now()
     RETURNING hint_level AS level`,
    [userId, slug, max],
  );
  return rows[0]!.level;
}

/** How many AI hints are kept as text: the page lists them and the next prompt may draw on them. */
export const KEPT_AI_HINTS = 5;

/**
 * Counts one AI hint and, when `hint` is given, keeps it, dropping all but the last KEPT_AI_HINTS. One statement, so
 * two tabs asking at once both count and the array never grows past the bound. A stand-in answer shown while the AI
 * is unavailable is counted (it reveals the next canned hint) but passed as null: it is not worth keeping as history.
 */
export async function recordAiHint(db: Queryable, userId: string, slug: string, hint: AiHint | null): Promise<void> {
  await db.query(
    `INSERT INTO problem_user_state (user_id, slug, ai_hints, ai_hints_used)
       VALUES ($1, $2, CASE WHEN $3::jsonb IS NULL THEN '[]'::jsonb ELSE jsonb_build_array($3::jsonb) END, 1)
     ON CONFLICT (user_id, slug) DO UPDATE SET
       ai_hints_used = problem_user_state.ai_hints_used + 1,
       ai_hints = CASE WHEN $3::jsonb IS NULL THEN problem_user_state.ai_hints ELSE
         (SELECT jsonb_agg(e ORDER BY i) FROM jsonb_array_elements(problem_user_state.ai_hints || jsonb_build_array($3::jsonb))
            WITH ORDINALITY AS t(e, i)
           WHERE i > jsonb_array_length(problem_user_state.ai_hints) + 1 - $4::int) END,
       updated_at = now()`,
    [userId, slug, hint ? JSON.stringify(hint) : null, KEPT_AI_HINTS],
  );
}

/** After a pass the hints are on that attempt's record; the next try (a spaced review) starts without them. */
export async function resetHints(db: Queryable, userId: string, slug: string): Promise<void> {
  await db.query(`UPDATE problem_user_state SET hint_level = 0, ai_hints = '[]'::jsonb, ai_hints_used = 0, updated_at = now() WHERE user_id = $1 AND slug = $2`, [
    userId,
    slug,
  ]);
}

export interface ProblemReport {
  id: string;
  slug: string;
  title: string | null;
  versionHash: string | null;
  category: string;
  body: string;
  userEmail: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
}

export async function insertReport(
  db: Queryable,
  r: { userId: string; slug: string; versionHash: string; category: string; body: string },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO problem_reports (user_id, slug, version_hash, category, body) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [r.userId, r.slug, r.versionHash, r.category, r.body],
  );
  return rows[0]!.id;
}

export async function listReports(db: Queryable, opts: { open: boolean; limit?: number }): Promise<ProblemReport[]> {
  const { rows } = await db.query<ProblemReport>(
    `SELECT r.id, r.slug, p.title, r.version_hash AS "versionHash", r.category, r.body, u.email AS "userEmail",
            r.created_at AS "createdAt", r.resolved_at AS "resolvedAt"
       FROM problem_reports r LEFT JOIN problems p ON p.slug = r.slug LEFT JOIN users u ON u.id = r.user_id
      WHERE ($1::boolean AND r.resolved_at IS NULL) OR (NOT $1::boolean AND r.resolved_at IS NOT NULL)
      ORDER BY r.created_at DESC LIMIT $2`,
    [opts.open, opts.limit ?? 100],
  );
  return rows;
}

export async function resolveReport(db: Queryable, id: string): Promise<boolean> {
  const res = await db.query(`UPDATE problem_reports SET resolved_at = now() WHERE id = $1 AND resolved_at IS NULL`, [id]);
  return (res.rowCount ?? 0) > 0;
}
