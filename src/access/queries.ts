/**
 * SQL for access requests. Every state change is one statement whose WHERE clause names the state it leaves, so two
 * operators deciding the same request at once cannot both win.
 */
import type { Queryable } from '../db/pool.js';

export type RequestStatus = 'pending' | 'approved' | 'denied' | 'revoked';

export interface AccessRequest {
  id: string;
  name: string;
  email: string;
  githubUsername: string | null;
  reason: string;
  userId: string | null;
  status: RequestStatus;
  timesRequested: number;
  createdAt: Date;
  updatedAt: Date;
  operatorNotifiedAt: Date | null;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  requesterNotifiedAt: Date | null;
  revokedByName: string | null;
  revokedAt: Date | null;
  /** The account this request let in, once that person has signed in (matched by id or e-mail). */
  matchedUserId: string | null;
  /** The Supabase invitation sent on approval (see migration 0019), or null when none was tried. */
  inviteStatus: 'sent' | 'registered' | 'failed' | null;
  inviteError: string | null;
}

const COLUMNS = `r.id::text AS id, r.name, r.email, r.github_username AS "githubUsername", r.reason, r.user_id AS "userId",
  r.status, r.times_requested AS "timesRequested", r.created_at AS "createdAt", r.updated_at AS "updatedAt",
  r.operator_notified_at AS "operatorNotifiedAt", r.decided_by AS "decidedBy",
  COALESCE(d.display_name, d.email) AS "decidedByName", r.decided_at AS "decidedAt", r.decision_note AS "decisionNote",
  r.requester_notified_at AS "requesterNotifiedAt", COALESCE(v.display_name, v.email) AS "revokedByName",
  r.revoked_at AS "revokedAt", r.invite_status AS "inviteStatus", r.invite_error AS "inviteError",
  (SELECT u.id FROM users u WHERE u.id = r.user_id OR lower(u.email) = lower(r.email) ORDER BY u.id = r.user_id DESC LIMIT 1) AS "matchedUserId"`;
const FROM = `FROM access_requests r LEFT JOIN users d ON d.id = r.decided_by LEFT JOIN users v ON v.id = r.revoked_by`;

export interface NewRequest {
  name: string;
  email: string;
  githubUsername: string | null;
  reason: string;
  userId: string | null;
}

/**
 * Records a request, or merges it into the same e-mail's pending one (latest details win, the count goes up). One
 * statement against the partial unique index, so two submissions racing still leave one pending row.
 * A request linked to an account (whose verified e-mail is the request's: see routes.ts) stays that account's:
 * a later submission for the same e-mail by anyone else only counts, and neither relinks it nor rewrites its
 * details, so nobody can slip their own account into someone else's request before the operator approves it.
 * `xmax = 0` is true only for a freshly inserted row: how Postgres tells an insert from an ON CONFLICT update.
 */
export async function upsertPendingRequest(
  db: Queryable,
  r: NewRequest,
): Promise<{ id: string; inserted: boolean; operatorNotifiedAt: Date | null }> {
  const { rows } = await db.query(
    `INSERT INTO access_requests (name, email, github_username, reason, user_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (lower(email)) WHERE status = 'pending' DO UPDATE SET (name, github_username, reason, user_id) = (
         SELECT CASE WHEN keep THEN access_requests.name ELSE EXCLUDED.name END,
           CASE WHEN keep THEN access_requests.github_username
                ELSE COALESCE(EXCLUDED.github_username, access_requests.github_username) END,
           CASE WHEN keep THEN access_requests.reason ELSE EXCLUDED.reason END,
           COALESCE(access_requests.user_id, EXCLUDED.user_id)
         FROM (SELECT access_requests.user_id IS NOT NULL
                 AND access_requests.user_id IS DISTINCT FROM EXCLUDED.user_id AS keep) owner
       ),
       times_requested = access_requests.times_requested + 1, updated_at = now()
     RETURNING id::text AS id, (xmax = 0) AS inserted, operator_notified_at AS "operatorNotifiedAt"`,
    [r.name, r.email, r.githubUsername, r.reason, r.userId],
  );
  return rows[0];
}

export async function markOperatorNotified(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE access_requests SET operator_notified_at = now() WHERE id = $1', [id]);
}

export async function markRequesterNotified(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE access_requests SET requester_notified_at = now() WHERE id = $1', [id]);
}

/** What came of the Supabase invitation for an approved request; the approval itself is already saved. */
export async function recordInvitation(db: Queryable, id: string, outcome: { status: 'sent' | 'registered' | 'failed'; reason?: string }): Promise<void> {
  await db.query('UPDATE access_requests SET invite_status = $2, invite_error = $3, invite_attempted_at = now() WHERE id = $1', [
    id,
    outcome.status,
    outcome.reason ?? null,
  ]);
}

/** Pending first (oldest waiting at the top), then decided ones, most recent first. */
export async function listRequests(db: Queryable, limit = 200): Promise<AccessRequest[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} ${FROM}
     ORDER BY (r.status = 'pending') DESC, CASE WHEN r.status = 'pending' THEN r.created_at END ASC,
       COALESCE(r.revoked_at, r.decided_at, r.created_at) DESC
     LIMIT $1`,
    [limit],
  );
  return rows;
}

export async function listApprovedRequests(db: Queryable): Promise<AccessRequest[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} ${FROM} WHERE r.status = 'approved' ORDER BY r.decided_at DESC`);
  return rows;
}

export async function getRequest(db: Queryable, id: string): Promise<AccessRequest | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} ${FROM} WHERE r.id = $1`, [id]);
  return rows[0] ?? null;
}

/** Approve or deny a pending request. Returns false when it is no longer pending (someone else decided first). */
export async function decideRequest(
  db: Queryable,
  d: { id: string; status: 'approved' | 'denied'; decidedBy: string; note: string | null },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE access_requests SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4, updated_at = now()
     WHERE id = $1 AND status = 'pending'`,
    [d.id, d.status, d.decidedBy, d.note],
  );
  return rowCount === 1;
}

export async function revokeRequest(db: Queryable, r: { id: string; revokedBy: string }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE access_requests SET status = 'revoked', revoked_by = $2, revoked_at = now(), updated_at = now()
     WHERE id = $1 AND status = 'approved'`,
    [r.id, r.revokedBy],
  );
  return rowCount === 1;
}

/** The per-request access check: does an approved request name this user (by account id or e-mail)? */
export async function hasApprovedRequest(db: Queryable, who: { userId: string; email: string | null }): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT EXISTS (SELECT 1 FROM access_requests WHERE status = 'approved' AND (user_id = $1 OR lower(email) = lower($2))) AS ok`,
    [who.userId, who.email],
  );
  return rows[0].ok;
}

export interface KnownUser {
  id: string;
  email: string | null;
  displayName: string | null;
  lastSeenAt: Date | null;
  approved: boolean;
}

/** Everyone who has signed in, with whether an approved request names them. */
export async function listKnownUsers(db: Queryable, limit = 500): Promise<KnownUser[]> {
  const { rows } = await db.query(
    `SELECT u.id, u.email, u.display_name AS "displayName", u.last_seen_at AS "lastSeenAt",
       EXISTS (SELECT 1 FROM access_requests r WHERE r.status = 'approved' AND (r.user_id = u.id OR lower(r.email) = lower(u.email))) AS approved
     FROM users u ORDER BY u.last_seen_at DESC NULLS LAST LIMIT $1`,
    [limit],
  );
  return rows;
}
