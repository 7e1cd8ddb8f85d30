/**
 * SQL for e-mail sign-in: the attempt log behind its rate limits, and who is known by an e-mail address.
 */
import type { Queryable } from '../db/pool.js';

export type AttemptKind = 'link' | 'code';

/**
 * Records one attempt and returns how many the address and the IP made within the window, this one included. One
 * statement: the counting SELECT runs on the snapshot from before the INSERT in the same statement, hence the +1.
 * Two attempts racing may both count one short; a limit one too generous under a race is acceptable here.
 */
export async function recordAttempt(
  db: Queryable,
  a: { kind: AttemptKind; emailKey: string; ip: string; windowSeconds: number },
): Promise<{ byEmail: number; byIp: number }> {
  const { rows } = await db.query(
    `WITH recent AS (
       SELECT count(*) FILTER (WHERE email_key = $2)::int AS by_email, count(*) FILTER (WHERE ip = $3)::int AS by_ip
       FROM email_sign_in_attempts
       WHERE kind = $1 AND attempted_at > now() - make_interval(secs => $4) AND (email_key = $2 OR ip = $3)
     ), added AS (
       INSERT INTO email_sign_in_attempts (kind, email_key, ip) VALUES ($1, $2, $3)
     )
     SELECT by_email + 1 AS "byEmail", by_ip + 1 AS "byIp" FROM recent`,
    [a.kind, a.emailKey, a.ip, a.windowSeconds],
  );
  return rows[0];
}

/** Forgets attempts older than any window, so the log stays the size of a day's traffic. */
export async function pruneAttempts(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM email_sign_in_attempts WHERE attempted_at < now() - interval '1 day'`);
}

/** The Bench users who have signed in with this address (usually none or one). */
export async function userIdsByEmail(db: Queryable, email: string): Promise<string[]> {
  const { rows } = await db.query(`SELECT id FROM users WHERE lower(email) = lower($1)`, [email]);
  return rows.map((r: { id: string }) => r.id);
}
