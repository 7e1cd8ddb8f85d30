/** SQL for Hamming reflections. Every read and write names the author, except the worker's, which acts for them. */
import type { Queryable } from '../db/pool.js';

export interface Reflection {
  id: string;
  userId: string;
  promptKey: string;
  body: string;
  revision: number;
  followUp: string | null;
  observation: string | null;
  answerSource: 'llm' | 'offline' | null;
  answerNotice: string | null;
  /** True when the answer shown belongs to the text as it is now. */
  answered: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id::text AS id, user_id AS "userId", prompt_key AS "promptKey", body, revision, follow_up AS "followUp",
  observation, answer_source AS "answerSource", answer_notice AS "answerNotice",
  answered_revision IS NOT DISTINCT FROM revision AS answered, created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function insertReflection(db: Queryable, r: { userId: string; promptKey: string; body: string }): Promise<string> {
  const { rows } = await db.query(
    'INSERT INTO reflections (user_id, prompt_key, body) VALUES ($1, $2, $3) RETURNING id::text AS id',
    [r.userId, r.promptKey, r.body],
  );
  return rows[0].id;
}

export async function listReflections(db: Queryable, userId: string, limit = 200): Promise<Reflection[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM reflections WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [userId, limit],
  );
  return rows;
}

/** One entry, only if it is this user's: anyone else's id reads as missing. */
export async function getOwnReflection(db: Queryable, userId: string, id: string): Promise<Reflection | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM reflections WHERE id = $1 AND user_id = $2`, [id, userId]);
  return rows[0] ?? null;
}

/** For the worker, which answers for the entry's author. */
export async function getReflection(db: Queryable, id: string): Promise<Reflection | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM reflections WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** A new text is a new revision: the old answer stops counting as this text's answer. Returns the new revision. */
export async function updateOwnReflection(
  db: Queryable,
  r: { userId: string; id: string; promptKey: string; body: string },
): Promise<number | null> {
  const { rows } = await db.query(
    `UPDATE reflections SET prompt_key = $3, body = $4, revision = revision + 1, updated_at = now()
     WHERE id = $1 AND user_id = $2 RETURNING revision`,
    [r.id, r.userId, r.promptKey, r.body],
  );
  return rows[0]?.revision ?? null;
}

export async function deleteOwnReflection(db: Queryable, userId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM reflections WHERE id = $1 AND user_id = $2', [id, userId]);
  return (rowCount ?? 0) > 0;
}

/** Written only for the revision that was asked about, so an answer to an edited-away text is dropped. */
export async function recordAnswer(
  db: Queryable,
  a: { id: string; revision: number; followUp: string; observation: string; source: 'llm' | 'offline'; notice: string | null },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE reflections SET follow_up = $3, observation = $4, answer_source = $5, answer_notice = $6, answered_revision = $2
     WHERE id = $1 AND revision = $2`,
    [a.id, a.revision, a.followUp, a.observation, a.source, a.notice],
  );
  return (rowCount ?? 0) > 0;
}
