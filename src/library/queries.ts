/** SQL for the reading library. Every read names the owner, so one user's items are never another's. */
import type { Queryable } from '../db/pool.js';

export type ItemStatus = 'queued' | 'saved' | 'refused' | 'timeout' | 'too_large' | 'not_html' | 'blocked_by_challenge' | 'failed';

export interface LibraryItem {
  id: string;
  userId: string;
  url: string;
  status: ItemStatus;
  title: string | null;
  description: string | null;
  finalUrl: string | null;
  message: string | null;
  createdAt: Date;
  fetchedAt: Date | null;
}

const COLUMNS = `id::text AS id, user_id AS "userId", url, status, title, description, final_url AS "finalUrl", message,
  created_at AS "createdAt", fetched_at AS "fetchedAt"`;

export async function insertItem(db: Queryable, i: { userId: string; url: string }): Promise<string> {
  const { rows } = await db.query('INSERT INTO library_items (user_id, url) VALUES ($1, $2) RETURNING id::text AS id', [i.userId, i.url]);
  return rows[0].id;
}

export async function listItems(db: Queryable, userId: string, limit = 200): Promise<LibraryItem[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM library_items WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [userId, limit]);
  return rows;
}

/** For the worker, which acts for the item's owner. */
export async function getItem(db: Queryable, id: string): Promise<LibraryItem | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM library_items WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function recordFetch(
  db: Queryable,
  r: { id: string; status: ItemStatus; title: string | null; description: string | null; finalUrl: string | null; message: string | null },
): Promise<void> {
  await db.query(
    `UPDATE library_items SET status = $2, title = $3, description = $4, final_url = $5, message = $6, fetched_at = now()
     WHERE id = $1`,
    [r.id, r.status, r.title, r.description, r.finalUrl, r.message],
  );
}
