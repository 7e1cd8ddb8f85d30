/**
 * SQL for links between a user's library items and the same user's job descriptions. Every statement names the owner
 * and checks both sides belong to them, so a foreign item or JD id reads nothing and writes nothing.
 */
import type { Queryable } from '../db/pool.js';

export interface JobChoice {
  id: string;
  label: string;
}

export interface LinkedItem {
  id: string;
  title: string;
  readAt: Date | null;
}

// A JD is named by its role (and company) once analysed, else by its number, as its own page heads it.
const LABEL = `coalesce(j.parsed->>'role' || coalesce(' at ' || (j.parsed->>'company'), ''), 'Job description ' || j.id)`;

/** The user's job descriptions, newest first, for the "link to a job description" select. */
export async function listJobChoices(db: Queryable, userId: string): Promise<JobChoice[]> {
  const { rows } = await db.query(
    `SELECT j.id::text AS id, ${LABEL} AS label FROM job_descriptions j WHERE j.user_id = $1 ORDER BY j.created_at DESC, j.id DESC LIMIT 200`,
    [userId],
  );
  return rows;
}

export async function linkedJobs(db: Queryable, userId: string, itemId: string): Promise<JobChoice[]> {
  const { rows } = await db.query(
    `SELECT j.id::text AS id, ${LABEL} AS label FROM library_item_jobs l JOIN job_descriptions j ON j.id = l.job_id
     WHERE l.item_id = $2 AND j.user_id = $1 ORDER BY j.created_at DESC, j.id DESC`,
    [userId, itemId],
  );
  return rows;
}

/** The owner's items linked to one of their JDs, for the JD page's reading list. */
export async function itemsForJob(db: Queryable, userId: string, jobId: string): Promise<LinkedItem[]> {
  const { rows } = await db.query(
    `SELECT i.id::text AS id, coalesce(i.title, i.url) AS title, i.read_at AS "readAt"
     FROM library_item_jobs l JOIN library_items i ON i.id = l.item_id
     WHERE l.job_id = $2 AND i.user_id = $1 ORDER BY l.created_at, i.id`,
    [userId, jobId],
  );
  return rows;
}

/** Links only when both the item and the JD are the user's (the SELECT finds nothing otherwise); a repeat is a no-op. */
export async function linkJob(db: Queryable, userId: string, itemId: string, jobId: string): Promise<void> {
  await db.query(
    `INSERT INTO library_item_jobs (item_id, job_id)
     SELECT i.id, j.id FROM library_items i, job_descriptions j WHERE i.id = $2 AND i.user_id = $1 AND j.id = $3 AND j.user_id = $1
     ON CONFLICT DO NOTHING`,
    [userId, itemId, jobId],
  );
}

export async function unlinkJob(db: Queryable, userId: string, itemId: string, jobId: string): Promise<void> {
  await db.query(
    `DELETE FROM library_item_jobs l USING library_items i WHERE l.item_id = i.id AND i.id = $2 AND i.user_id = $1 AND l.job_id = $3`,
    [userId, itemId, jobId],
  );
}
