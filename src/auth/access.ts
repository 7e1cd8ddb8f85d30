/**
 * Who gets in, and who is an admin. Single-tenant (one operator runs Bench for the people they let in): the allowlist (ids or e-mails) decides;
 * with no allowlist configured anyone who can sign in gets in (start-up warns loudly when that means GitHub).
 */
import type { Config } from '../config.js';
import type { VerifiedToken } from './tokens.js';

/** The identity `Sign in locally` uses; only exists when local sign-in is enabled. */
export const LOCAL_OPERATOR_ID = '00000000-0000-4000-8000-000000000001';

export interface AccessDecision {
  allowed: boolean;
  isAdmin: boolean;
  /** Why they are in: shown on /admin/users. */
  reason: 'local-operator' | 'allowlist-id' | 'allowlist-email' | 'approved-request' | 'open' | 'not-allowed';
}

export interface AccessFacts {
  /** True when an approved access request names this user (by id or e-mail). */
  approved: boolean;
}

export function decideAccess(config: Config, token: VerifiedToken, facts: AccessFacts = { approved: false }): AccessDecision {
  const { allowedUserIds, allowedEmails, adminUserIds } = config.access;
  const email = token.email?.toLowerCase() ?? null;
  const isAdmin = adminUserIds.includes(token.sub) || (token.issuerKind === 'local' && token.sub === LOCAL_OPERATOR_ID);
  if (token.issuerKind === 'local' && token.sub === LOCAL_OPERATOR_ID) return { allowed: true, isAdmin: true, reason: 'local-operator' };
  if (allowedUserIds.includes(token.sub)) return { allowed: true, isAdmin, reason: 'allowlist-id' };
  if (email && allowedEmails.includes(email)) return { allowed: true, isAdmin, reason: 'allowlist-email' };
  if (facts.approved) return { allowed: true, isAdmin, reason: 'approved-request' };
  if (allowedUserIds.length === 0 && allowedEmails.length === 0) return { allowed: true, isAdmin, reason: 'open' };
  return { allowed: false, isAdmin: false, reason: 'not-allowed' };
}
