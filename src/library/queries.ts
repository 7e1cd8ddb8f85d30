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
  siteName: string | null;
  authors: string[];
  published: string | null;
  arxivId: string | null;
  doi: string | null;
  mainText: string | null;
  summary: string | null;
  summarySource: 'llm' | 'offline' | null;
  summaryNotice: string | null;
  autoTags: string[];
  userTags: string[];
  readAt: Date | null;
  createdAt: Date;
  fetchedAt: Date | null;
}

const COLUMNS = `id::text AS id, user_id AS "userId", url, status, title, description, final_url AS "finalUrl", message,
  site_name AS "siteName", authors, published, arxiv_id AS "arxivId", doi, main_text AS "mainText", summary,
  summary_source AS "summarySource", summary_notice AS "summaryNotice", auto_tags AS "autoTags", user_tags AS "userTags",
  read_at AS "readAt", created_at AS "createdAt", fetched_at AS "fetchedAt"`;

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

/** One item, only if it is this user's: anyone else's id reads as missing. */
export async function getOwnItem(db: Queryable, userId: string, id: string): Promise<LibraryItem | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM library_items WHERE id = $1 AND user_id = $2`, [id, userId]);
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

/** What a successful fetch records: everything read from the page, and its summary. */
export type SavedPage = Pick<LibraryItem, 'id' | 'title' | 'description' | 'siteName' | 'authors' | 'published' | 'arxivId' | 'doi' | 'mainText' | 'summaryNotice' | 'autoTags'> & {
  finalUrl: string;
  summary: string;
  summarySource: 'llm' | 'offline';
};

/** A fetched page with everything read from it, in one statement: the item is never half-saved. */
export async function recordSaved(db: Queryable, p: SavedPage): Promise<void> {
  await db.query(
    `UPDATE library_items SET status = 'saved', message = NULL, fetched_at = now(), title = $2, description = $3, final_url = $4,
       site_name = $5, authors = $6, published = $7, arxiv_id = $8, doi = $9, main_text = $10, summary = $11,
       summary_source = $12, summary_notice = $13, auto_tags = $14
     WHERE id = $1`,
    [p.id, p.title, p.description, p.finalUrl, p.siteName, p.authors, p.published, p.arxivId, p.doi, p.mainText, p.summary,
      p.summarySource, p.summaryNotice, p.autoTags],
  );
}

export async function setRead(db: Queryable, userId: string, id: string, read: boolean): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE library_items SET read_at = CASE WHEN $3 THEN coalesce(read_at, now()) END WHERE id = $1 AND user_id = $2`,
    [id, userId, read],
  );
  return (rowCount ?? 0) > 0;
}

export async function setUserTags(db: Queryable, userId: string, id: string, tags: string[]): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE library_items SET user_tags = $3 WHERE id = $1 AND user_id = $2', [id, userId, tags]);
  return (rowCount ?? 0) > 0;
}
