/**
 * The end of every Supabase sign-in, however it started (GitHub, an e-mail link, a typed code): check the access
 * token with our own verifier, record the user, set the session cookies, and send them where they were going.
 * Supabase links identities by verified e-mail, so GitHub and an e-mail link for the same address give the same
 * token subject, and so the same Bench user. Also the pieces every sign-in route shares: the login page (re-rendered
 * with a message), the callback URL, and the `next` cookie.
 */
import type { Session } from '@supabase/supabase-js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../db/pool.js';
import { decideAccess, LOCAL_OPERATOR_ID, type AccessFacts } from './access.js';
import { safeNext } from './cookies.js';
import { upsertUser } from './queries.js';
import { setSessionCookies, supabaseSignInEnabled } from './supabase.js';
import type { VerifiedToken } from './tokens.js';
import { publicBaseUrl } from '../web/public-url.js';

/** Where to go after sign-in; kept beside the verifier because Supabase's redirect allowlist matches exact URLs. */
export const NEXT_COOKIE = 'bench_next';
const NEXT_TTL_SECONDS = 600;

/** Where Supabase sends the browser back, for GitHub and for an e-mailed link alike. */
export const callbackUrl = (app: FastifyInstance, request: FastifyRequest) => `${publicBaseUrl(app.deps.config, request)}/auth/callback`;

/** The login page again, with a message (and, for the e-mail form, what was typed and a message beside it). */
export function loginPage(app: FastifyInstance, reply: FastifyReply, status: number, extra: Record<string, unknown>) {
  reply.status(status);
  const supabase = supabaseSignInEnabled(app.deps.config);
  return reply.view('pages/auth/login.njk', {
    next: '/',
    localSignIn: app.auth.localSignInEnabled,
    githubSignIn: supabase,
    emailSignIn: supabase,
    values: {},
    errors: {},
    ...extra,
  });
}

export type AccessFactsFn = (token: VerifiedToken) => Promise<AccessFacts>;

export function rememberNext(request: FastifyRequest, reply: FastifyReply, next: unknown): void {
  reply.setCookie(NEXT_COOKIE, safeNext(next), { path: '/auth', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', maxAge: NEXT_TTL_SECONDS });
}

/**
 * Finishes a sign-in with the session Supabase answered. Returns null, and sets nothing, when the access token does
 * not verify. `next` from a form wins over the cookie (a code typed in a browser that never asked for the link).
 */
export async function completeSignIn(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  session: Session,
  accessFacts?: AccessFactsFn,
  formNext?: unknown,
): Promise<FastifyReply | null> {
  const token = await app.auth.verify(session.access_token);
  if (!token) return null;
  await upsertUser(app.deps.pool, { id: token.sub, email: token.email, displayName: token.name });
  setSessionCookies(request, reply, session);
  // The cookie comes back from the browser, so `next` is checked on the way out.
  const next = formNext ?? request.cookies[NEXT_COOKIE];
  reply.clearCookie(NEXT_COOKIE, { path: '/auth' });
  const decision = decideAccess(app.deps.config, token, accessFacts ? await accessFacts(token) : undefined);
  return reply.redirect(decision.allowed ? safeNext(next) : '/not-allowed', 303);
}

/** The local operator, the one user of local sign-in, recorded like any user who signs in. */
export async function recordLocalOperator(db: Queryable): Promise<{ id: string; email: string; displayName: string }> {
  const operator = { id: LOCAL_OPERATOR_ID, email: 'operator@localhost', displayName: 'Local operator' };
  await upsertUser(db, operator);
  return operator;
}
