/**
 * Access requests and who has access: the logic between the routes and the SQL. No Fastify here.
 */
import { z } from 'zod';
import { decideAccess, LOCAL_OPERATOR_ID, type AccessDecision, type AccessFacts } from '../auth/access.js';
import type { Inviter } from '../auth/supabase-admin.js';
import { supabaseSignInEnabled } from '../auth/supabase.js';
import type { VerifiedToken } from '../auth/tokens.js';
import type { Config } from '../config.js';
import type { Queryable } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { Logger, Mailer, SendOutcome } from './notify.js';
import * as q from './queries.js';

const GITHUB_USERNAME = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export const requestAccessSchema = z.object({
  name: z.string().trim().min(1, 'Tell us your name.').max(100, 'Keep your name under 100 characters.'),
  email: z
    .string()
    .trim()
    .max(254, 'That e-mail address is too long.')
    .pipe(z.email('Enter an e-mail address, like you@example.com.')),
  github: z
    .string()
    .trim()
    .transform((v) => v.replace(/^@/, ''))
    .refine((v) => v === '' || GITHUB_USERNAME.test(v), 'GitHub usernames are letters, digits and single hyphens, at most 39.')
    .transform((v) => v || null),
  reason: z
    .string()
    .trim()
    .min(10, 'Say in a sentence or two why you would like access (at least 10 characters).')
    .max(2000, 'Keep it under 2,000 characters.'),
});

export type RequestAccessInput = z.infer<typeof requestAccessSchema>;

export interface AccessDeps {
  config: Readonly<Config>;
  db: Queryable;
  mailer: Mailer;
  log: Logger;
  /** Absolute base for links in e-mails (PUBLIC_URL, or the origin the request came to). */
  baseUrl: string;
  /** Supabase's admin API (SUPABASE_SERVICE_ROLE_KEY set): approval invites the address. */
  inviter?: Inviter | null;
}

export interface SubmitResult {
  id: string;
  merged: boolean;
  operatorEmail: SendOutcome;
}

/**
 * Saves the request first (the row is the source of truth), then tells the operator. A merged duplicate e-mails again
 * only if the first notification never went out, e.g. because Resend was down.
 */
export async function submitAccessRequest(deps: AccessDeps, input: RequestAccessInput, requesterUserId: string | null): Promise<SubmitResult> {
  const saved = await q.upsertPendingRequest(deps.db, {
    name: input.name,
    email: input.email,
    githubUsername: input.github,
    reason: input.reason,
    userId: requesterUserId,
  });
  let operatorEmail: SendOutcome = 'skipped';
  if (!saved.operatorNotifiedAt && deps.mailer.operatorEmail) {
    operatorEmail = await deps.mailer.send(
      {
        to: deps.mailer.operatorEmail,
        subject: `Bench access request from ${input.name}`,
        text: [
          `${input.name} <${input.email}> asked for access to Bench.`,
          input.github ? `GitHub: ${input.github}` : 'GitHub: (not given)',
          '',
          input.reason,
          '',
          `Review it: ${deps.baseUrl}/admin/access-requests`,
        ].join('\n'),
        idempotencyKey: `access-request-${saved.id}-operator`,
      },
      deps.log,
    );
    if (operatorEmail === 'sent') await q.markOperatorNotified(deps.db, saved.id);
  } else if (!deps.mailer.operatorEmail) {
    deps.log.info({ requestId: saved.id }, 'OPERATOR_NOTIFY_EMAIL unset: operator not e-mailed');
  }
  return { id: saved.id, merged: !saved.inserted, operatorEmail };
}

export async function decideAccessRequest(
  deps: AccessDeps,
  d: { id: string; decision: 'approved' | 'denied'; adminId: string; note: string | null },
): Promise<q.AccessRequest> {
  const changed = await q.decideRequest(deps.db, { id: d.id, status: d.decision, decidedBy: d.adminId, note: d.note });
  const request = await q.getRequest(deps.db, d.id);
  if (!request) throw new AppError('not_found', 'No such access request.');
  if (!changed) throw new AppError('conflict', `This request was already ${request.status}.`, { request });
  return d.decision === 'approved' ? tellApproved(deps, request) : request;
}

/**
 * A way in for the approved person. With the service-role key, Supabase invites the address (and sends that e-mail);
 * otherwise, or when the invitation did not go out, our own e-mail through Resend says how to sign in. Either failing
 * is recorded and shown to the operator; the approval is already saved and stands.
 */
async function tellApproved(deps: AccessDeps, request: q.AccessRequest): Promise<q.AccessRequest> {
  if (deps.inviter) {
    const outcome = await deps.inviter.invite(request.email, `${deps.baseUrl}/auth/confirm`, deps.log);
    await q.recordInvitation(deps.db, request.id, outcome);
    if (outcome.status === 'sent') return (await q.getRequest(deps.db, request.id))!;
  }
  if (deps.mailer.enabled) {
    const outcome = await deps.mailer.send(
      {
        to: request.email,
        subject: 'You have access to Bench',
        text: `Hello ${request.name},\n\nYour request was approved. ${howToSignIn(deps, request)}\n`,
        idempotencyKey: `access-request-${request.id}-approved`,
      },
      deps.log,
    );
    if (outcome === 'sent') await q.markRequesterNotified(deps.db, request.id);
  }
  return (await q.getRequest(deps.db, request.id))!;
}

function howToSignIn(deps: AccessDeps, request: q.AccessRequest): string {
  const github = `the GitHub account with the e-mail ${request.email}${request.githubUsername ? ` (or ${request.githubUsername})` : ''}`;
  if (!supabaseSignInEnabled(deps.config)) return `Sign in at ${deps.baseUrl}/login.`;
  return `Sign in at ${deps.baseUrl}/login: ask for a sign-in link to ${request.email} there, or use ${github}.`;
}

export async function revokeAccessRequest(deps: AccessDeps, d: { id: string; adminId: string }): Promise<q.AccessRequest> {
  const changed = await q.revokeRequest(deps.db, { id: d.id, revokedBy: d.adminId });
  const request = await q.getRequest(deps.db, d.id);
  if (!request) throw new AppError('not_found', 'No such access request.');
  if (!changed) throw new AppError('conflict', `This request is ${request.status}, not approved.`, { request });
  return request;
}

/**
 * The auth plugin's `accessFacts`. Skips the query when the answer cannot matter: the environment's allowlist
 * already admits them, or there is no allowlist at all (everyone who can sign in gets in).
 */
export function approvalFacts(config: Readonly<Config>, db: Queryable) {
  const { allowedUserIds, allowedEmails } = config.access;
  return async (token: VerifiedToken): Promise<AccessFacts> => {
    const email = token.email?.toLowerCase() ?? null;
    if (allowedUserIds.length + allowedEmails.length === 0) return { approved: false };
    if (allowedUserIds.includes(token.sub) || (email && allowedEmails.includes(email))) return { approved: false };
    return { approved: await q.hasApprovedRequest(db, { userId: token.sub, email }) };
  };
}

export interface UserAccess extends q.KnownUser {
  decision: AccessDecision;
}

/** Who has access and why, for /admin/users: the same decision the auth plugin makes on every request. */
export async function listUserAccess(config: Readonly<Config>, db: Queryable) {
  const [users, approved] = await Promise.all([q.listKnownUsers(db), q.listApprovedRequests(db)]);
  const withAccess: UserAccess[] = users.map((u) => {
    const token = {
      sub: u.id,
      email: u.email,
      name: u.displayName,
      issuerKind: u.id === LOCAL_OPERATOR_ID ? 'local' : 'supabase',
      expiresAt: 0,
      claims: {},
    } satisfies VerifiedToken;
    return { ...u, decision: decideAccess(config, token, { approved: u.approved }) };
  });
  const seenIds = new Set(users.map((u) => u.id));
  const seenEmails = new Set(users.map((u) => u.email?.toLowerCase()).filter(Boolean));
  return {
    users: withAccess,
    approved,
    open: config.access.allowedUserIds.length + config.access.allowedEmails.length === 0,
    envIds: config.access.allowedUserIds.map((id) => ({ id, seen: seenIds.has(id), admin: config.access.adminUserIds.includes(id) })),
    envEmails: config.access.allowedEmails.map((email) => ({ email, seen: seenEmails.has(email) })),
  };
}
