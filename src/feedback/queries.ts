/**
 * SQL for feedback. Promotion to GitHub is three single-statement steps on the row: claim it (only while it has no
 * issue and no live claim), then record either the issue's address or the error, each releasing the claim.
 */
import type { Queryable } from '../db/pool.js';

export type FeedbackKind = 'bug' | 'idea' | 'question' | 'other';

export interface Feedback {
  id: string;
  userId: string | null;
  authorName: string | null;
  /** Sent by a visitor who was not signed in (userId is then null). */
  signedOut: boolean;
  kind: FeedbackKind;
  message: string;
  page: string;
  createdAt: Date;
  githubIssueUrl: string | null;
  promotedByName: string | null;
  promotedAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

const COLUMNS = `f.id::text AS id, f.user_id AS "userId", COALESCE(a.display_name, a.email) AS "authorName", f.kind,
  f.signed_out AS "signedOut", f.message, f.page, f.created_at AS "createdAt", f.github_issue_url AS "githubIssueUrl",
  COALESCE(p.display_name, p.email) AS "promotedByName", f.promoted_at AS "promotedAt", f.last_error AS "lastError",
  f.last_error_at AS "lastErrorAt"`;
const FROM = 'FROM feedback f LEFT JOIN users a ON a.id = f.user_id LEFT JOIN users p ON p.id = f.promoted_by';

export async function insertFeedback(
  db: Queryable,
  f: { userId: string | null; kind: FeedbackKind; message: string; page: string },
): Promise<string> {
  const { rows } = await db.query(
    'INSERT INTO feedback (user_id, signed_out, kind, message, page) VALUES ($1::uuid, $1::uuid IS NULL, $2, $3, $4) RETURNING id::text AS id',
    [f.userId, f.kind, f.message, f.page],
  );
  return rows[0].id;
}

export async function listFeedback(db: Queryable, limit = 200): Promise<Feedback[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} ${FROM} ORDER BY f.created_at DESC, f.id DESC LIMIT $1`, [limit]);
  return rows;
}

export async function getFeedback(db: Queryable, id: string): Promise<Feedback | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} ${FROM} WHERE f.id = $1`, [id]);
  return rows[0] ?? null;
}

/**
 * Claims the row for one promotion. A claim older than two minutes is treated as abandoned (the process died while
 * GitHub was answering), so a crash never leaves a row that can never be promoted.
 */
export async function claimForPromotion(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE feedback SET promotion_started_at = now()
     WHERE id = $1 AND github_issue_url IS NULL
       AND (promotion_started_at IS NULL OR promotion_started_at < now() - interval '2 minutes')`,
    [id],
  );
  return rowCount === 1;
}

export async function recordPromoted(db: Queryable, p: { id: string; issueUrl: string; promotedBy: string }): Promise<void> {
  await db.query(
    `UPDATE feedback SET github_issue_url = $2, promoted_by = $3, promoted_at = now(), promotion_started_at = NULL,
       last_error = NULL, last_error_at = NULL
     WHERE id = $1`,
    [p.id, p.issueUrl, p.promotedBy],
  );
}

export async function recordPromotionError(db: Queryable, p: { id: string; error: string }): Promise<void> {
  await db.query(
    'UPDATE feedback SET promotion_started_at = NULL, last_error = $2, last_error_at = now() WHERE id = $1',
    [p.id, p.error],
  );
}
