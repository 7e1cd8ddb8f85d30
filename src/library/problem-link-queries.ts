/** SQL for links between a user's library items and problems in the bank. Reads and writes name the owner. */
import type { Queryable } from '../db/pool.js';

export interface ProblemChoice {
  slug: string;
  title: string;
}

/** The bank's active problems, for the "link to a problem" select. */
export async function listProblemChoices(db: Queryable): Promise<ProblemChoice[]> {
  const { rows } = await db.query('SELECT slug, title FROM problems WHERE active ORDER BY title, slug');
  return rows;
}

export async function linkedProblems(db: Queryable, itemId: string): Promise<ProblemChoice[]> {
  const { rows } = await db.query(
    `SELECT p.slug, p.title FROM library_item_problems l JOIN problems p ON p.slug = l.slug WHERE l.item_id = $1 ORDER BY p.title`,
    [itemId],
  );
  return rows;
}

/** Links only the owner's item to an active problem (the SELECT finds nothing otherwise); a repeated link is a no-op. */
export async function linkProblem(db: Queryable, userId: string, itemId: string, slug: string): Promise<void> {
  await db.query(
    `INSERT INTO library_item_problems (item_id, slug)
     SELECT i.id, p.slug FROM library_items i, problems p WHERE i.id = $2 AND i.user_id = $1 AND p.slug = $3 AND p.active
     ON CONFLICT DO NOTHING`,
    [userId, itemId, slug],
  );
}

export async function unlinkProblem(db: Queryable, userId: string, itemId: string, slug: string): Promise<void> {
  await db.query(
    `DELETE FROM library_item_problems l USING library_items i WHERE l.item_id = i.id AND i.id = $2 AND i.user_id = $1 AND l.slug = $3`,
    [userId, itemId, slug],
  );
}

