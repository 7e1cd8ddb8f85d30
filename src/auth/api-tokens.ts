/**
 * Personal API tokens: a bearer credential for the benchmark API (and so the CLI), created and revoked on /account.
 * A token is `bench_pat_` + 256 random bits (base64url): the prefix makes a leaked one easy to recognise (secret
 * scanners, logs), and with that much randomness a plain SHA-256 is a safe thing to store, found by one index probe.
 * The token is shown once and never kept. Each request makes the same access decision a signed-in browser gets
 * (allowlist, approvals, admin ids), so removing someone from the allowlist also shuts out their tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Queryable } from '../db/pool.js';
import { AppError } from '../errors.js';
import { decideAccess, type AccessFacts } from './access.js';
import type { CurrentUser } from './current-user.js';
import { findTokenOwner, insertApiToken, listApiTokens, revokeApiToken, touchApiToken } from './api-token-queries.js';
import { upsertUser } from './queries.js';
import type { VerifiedToken } from './tokens.js';

export const TOKEN_PREFIX = 'bench_pat_';

export const tokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

const nameSchema = z.string().trim().min(1, 'Give the token a name, e.g. "laptop CLI".').max(100, 'At most 100 characters.');

export class TokenNameError extends Error {}

/** Creates a token for the signed-in user; the only time its text exists outside the caller's hands. */
export async function createApiToken(db: Queryable, user: CurrentUser, issuerKind: VerifiedToken['issuerKind'], rawName: unknown): Promise<{ id: string; token: string; name: string }> {
  const name = nameSchema.safeParse(typeof rawName === 'string' ? rawName : '');
  if (!name.success) throw new TokenNameError(name.error.issues[0]!.message);
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  // The token row points at users(id): make sure the row is there (a sign-in normally wrote it already).
  await upsertUser(db, { id: user.id, email: user.email, displayName: user.displayName });
  const id = await insertApiToken(db, { userId: user.id, issuerKind, name: name.data, hash: tokenHash(token) });
  return { id, token, name: name.data };
}

export const listTokens = (db: Queryable, user: CurrentUser) => listApiTokens(db, user.id);

export async function revokeToken(db: Queryable, user: CurrentUser, id: string): Promise<void> {
  if (!/^\d{1,18}$/.test(id) || !(await revokeApiToken(db, user.id, id))) throw new AppError('not_found', 'No such active token');
}

/**
 * The user behind an `Authorization: Bearer <token>` header, or a 401 that says what is wrong with it (a refusal
 * names no part of the token, so nothing of it reaches the log).
 */
export function bearerAuthenticator(config: Readonly<Config>, db: Queryable, accessFacts?: (token: VerifiedToken) => Promise<AccessFacts>) {
  return async (header: string): Promise<CurrentUser> => {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!m) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <token>", with a token from your account page.');
    const token = m[1]!;
    if (!token.startsWith(TOKEN_PREFIX)) throw new AppError('unauthenticated', `Not a Bench API token (they start with ${TOKEN_PREFIX}).`);
    const owner = await findTokenOwner(db, tokenHash(token));
    if (!owner) throw new AppError('unauthenticated', 'Unknown API token.');
    if (owner.revokedAt) throw new AppError('unauthenticated', `This API token was revoked on ${owner.revokedAt.toISOString().slice(0, 10)}.`);
    // The same decision as for a browser session, made now: as if the owner had signed in with this identity.
    const identity: VerifiedToken = { sub: owner.userId, email: owner.email, name: owner.displayName, issuerKind: owner.issuerKind, expiresAt: 0, claims: {} };
    const decision = decideAccess(config, identity, accessFacts ? await accessFacts(identity) : undefined);
    if (!decision.allowed) throw new AppError('unauthenticated', "This API token's owner is no longer allowed on this Bench.");
    await touchApiToken(db, owner.tokenId);
    return { id: owner.userId, email: owner.email, displayName: owner.displayName, isAdmin: decision.isAdmin };
  };
}
