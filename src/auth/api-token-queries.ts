/**
 * Personal API tokens (migrations/0035_api_tokens.sql). Only the SHA-256 of a token is ever passed in or stored.
 */
import type { Queryable } from '../db/pool.js';

export interface ApiTokenRow {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface TokenOwner {
  tokenId: string;
  userId: string;
  email: string | null;
  displayName: string | null;
  issuerKind: 'local' | 'supabase';
  revokedAt: Date | null;
}

export async function insertApiToken(db: Queryable, t: { userId: string; issuerKind: string; name: string; hash: Buffer }): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO api_tokens (user_id, issuer_kind, name, token_hash) VALUES ($1, $2, $3, $4) RETURNING id::text AS id',
    [t.userId, t.issuerKind, t.name, t.hash],
  );
  return rows[0]!.id;
}

export async function listApiTokens(db: Queryable, userId: string): Promise<ApiTokenRow[]> {
  const { rows } = await db.query(
    `SELECT id::text AS id, name, created_at, last_used_at, revoked_at FROM api_tokens
     WHERE user_id = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC`,
    [userId],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

/** Revokes one of the user's own tokens; false when it is not theirs or was already revoked. */
export async function revokeApiToken(db: Queryable, userId: string, id: string): Promise<boolean> {
  const res = await db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL', [id, userId]);
  return (res.rowCount ?? 0) > 0;
}

/** The token's owner as the access decision needs them, revoked or not (so a refusal can say which). */
export async function findTokenOwner(db: Queryable, hash: Buffer): Promise<TokenOwner | null> {
  const { rows } = await db.query(
    `SELECT t.id::text AS token_id, t.user_id, u.email, u.display_name, t.issuer_kind, t.revoked_at
     FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`,
    [hash],
  );
  const r = rows[0];
  return r ? { tokenId: r.token_id, userId: r.user_id, email: r.email, displayName: r.display_name, issuerKind: r.issuer_kind, revokedAt: r.revoked_at } : null;
}

/**
 * Marks a use. At most once a minute per token: a CLI polling a run's status every second would otherwise write a
 * row version per request for a timestamp shown to the minute.
 */
export async function touchApiToken(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE api_tokens SET last_used_at = now()
     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [id],
  );
}
