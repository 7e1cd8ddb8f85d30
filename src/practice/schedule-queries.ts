/**
 * Problems scheduled into a user's "next up" from outside practice (a career plan). One statement schedules a whole
 * plan; a problem already scheduled keeps its earlier due date, so re-running a plan never pushes work back.
 */
import type { Queryable } from '../db/pool.js';

export interface ScheduledProblem {
  slug: string;
  dueAt: Date;
  reason: string;
  origin: string;
  scheduledAt: Date;
}

export async function scheduleProblems(db: Queryable, userId: string, origin: string, items: { slug: string; dueAt: Date; reason: string }[]): Promise<void> {
  if (!items.length) return;
  await db.query(
    `INSERT INTO practice_schedule (user_id, slug, due_at, reason, origin)
     SELECT $1, s.slug, s.due_at, s.reason, $2 FROM unnest($3::text[], $4::timestamptz[], $5::text[]) AS s(slug, due_at, reason)
     ON CONFLICT (user_id, slug) DO UPDATE SET due_at = LEAST(practice_schedule.due_at, EXCLUDED.due_at), reason = EXCLUDED.reason,
       origin = EXCLUDED.origin, scheduled_at = now()`,
    [userId, origin, items.map((i) => i.slug), items.map((i) => i.dueAt), items.map((i) => i.reason)],
  );
}

export async function listScheduled(db: Queryable, userId: string, origin?: string): Promise<ScheduledProblem[]> {
  const { rows } = await db.query(
    `SELECT slug, due_at AS "dueAt", reason, origin, scheduled_at AS "scheduledAt" FROM practice_schedule
      WHERE user_id = $1 AND ($2::text IS NULL OR origin = $2) ORDER BY due_at, slug`,
    [userId, origin ?? null],
  );
  return rows;
}
