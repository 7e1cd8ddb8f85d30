/**
 * Sign-in by e-mail through Supabase Auth, on the server like the GitHub flow:
 *   POST /auth/email        asks Supabase to e-mail a sign-in link (PKCE: the code verifier goes into the same
 *                           short-lived httpOnly cookie as GitHub's) and a six-digit code; answers with the page
 *                           to type that code into. The link comes back to GET /auth/callback (github-routes.ts).
 *   GET  /auth/email/code   that page on its own, for a link opened on another device than the one that asked.
 *   POST /auth/email/code   the typed code -> a session.
 * Only an address that may sign in is sent anything; every address gets the same answer, status and cookies, so the
 * form does not tell who has access. Attempts are limited per address and per IP (email-service.ts).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseForm } from '../web/forms.js';
import { safeNext, sessionCookieOptions } from './cookies.js';
import { checkEmailLimit, emailCodeSchema, emailLinkSchema, maySignInByEmail, type LimitOutcome } from './email-service.js';
import { callbackUrl, completeSignIn, loginPage, rememberNext, type AccessFactsFn } from './sign-in.js';
import { PKCE_COOKIE, PKCE_TTL_SECONDS, supabaseForRequest, supabaseSignInEnabled } from './supabase.js';
import { AppError } from '../errors.js';

type Body = Record<string, unknown>;

const LIMIT_MESSAGES: Record<Exclude<LimitOutcome, 'ok'>, string> = {
  address: 'Too many sign-in attempts for this address. Wait an hour, or use the e-mail already sent.',
  ip: 'Too many sign-in attempts from your network. Wait an hour and try again.',
};

/** A verifier-shaped cookie for an address that gets no e-mail, so the reply looks the same as for one that does. */
function decoyVerifier(request: FastifyRequest, reply: FastifyReply): void {
  reply.setCookie(PKCE_COOKIE, randomBytes(56).toString('hex'), { ...sessionCookieOptions(request, PKCE_TTL_SECONDS), path: '/auth' });
}

/** The "check your e-mail" page, which is also where the code is typed. */
function codePage(reply: FastifyReply, status: number, context: { values: Body; errors: Record<string, string>; sent?: boolean; next: string }) {
  reply.status(status);
  return reply.view('pages/auth/email-code.njk', context);
}

type Opts = { accessFacts?: AccessFactsFn };

export async function emailAuthRoutes(app: FastifyInstance, opts: Opts): Promise<void> {
  await emailLinkRoutes(app, opts);
  await emailCodeRoutes(app, opts);
}

/** Without Supabase the e-mail paths do not exist. */
function enabledOr404(app: FastifyInstance): void {
  if (!supabaseSignInEnabled(app.deps.config)) throw new AppError('not_found', 'Page not found');
}

async function emailLinkRoutes(app: FastifyInstance, opts: Opts): Promise<void> {
  const config = app.deps.config;
  const enabled = () => enabledOr404(app);

  app.post<{ Body: Body }>('/auth/email', async (request, reply) => {
    enabled();
    const next = safeNext(request.body?.next);
    const form = parseForm(emailLinkSchema, request.body);
    if (!form.ok) return loginPage(app, reply, 422, { next, values: form.values, errors: form.errors });
    const { email } = form.data;
    const limited = await checkEmailLimit(app.deps.pool, 'link', email, request.clientIp);
    if (limited !== 'ok') {
      request.log.info({ limited }, 'e-mail sign-in link refused: rate limit');
      return loginPage(app, reply, 429, { next, values: request.body, errors: { email: LIMIT_MESSAGES[limited] } });
    }
    if (await maySignInByEmail(config, app.deps.pool, email, opts.accessFacts)) {
      const { error } = await supabaseForRequest(config, request, reply).auth.signInWithOtp({
        email,
        options: { emailRedirectTo: callbackUrl(app, request), shouldCreateUser: true },
      });
      if (error) {
        // Says that something failed, not who may sign in: the same words whatever Supabase said.
        request.log.warn({ err: error.message, code: error.code }, 'Supabase did not send the sign-in e-mail');
        return loginPage(app, reply, 502, { next, values: request.body, errors: { email: 'The sign-in e-mail could not be sent just now. Try again in a few minutes.' } });
      }
      request.log.info('e-mail sign-in link sent');
    } else {
      decoyVerifier(request, reply);
      request.log.info('e-mail sign-in asked for an address that may not sign in: nothing sent');
    }
    rememberNext(request, reply, next);
    return codePage(reply, 200, { values: { email }, errors: {}, sent: true, next });
  });

}

/** The six-digit code from the e-mail, and the invitation link sent on approval. */
async function emailCodeRoutes(app: FastifyInstance, opts: Opts): Promise<void> {
  const config = app.deps.config;
  const enabled = () => enabledOr404(app);

  app.get<{ Querystring: { email?: string; next?: string } }>('/auth/email/code', async (request, reply) => {
    enabled();
    return codePage(reply, 200, { values: { email: request.query.email ?? '' }, errors: {}, next: safeNext(request.query.next) });
  });

  app.post<{ Body: Body }>('/auth/email/code', async (request, reply) => {
    enabled();
    const next = safeNext(request.body?.next);
    const form = parseForm(emailCodeSchema, request.body);
    if (!form.ok) return codePage(reply, 422, { values: form.values, errors: form.errors, next });
    const { email, code } = form.data;
    const limited = await checkEmailLimit(app.deps.pool, 'code', email, request.clientIp);
    if (limited !== 'ok') return codePage(reply, 429, { values: request.body, errors: { code: LIMIT_MESSAGES[limited] }, next });
    const { data, error } = await supabaseForRequest(config, request, reply).auth.verifyOtp({ email, token: code, type: 'email' });
    const formNext = request.body?.next === undefined ? undefined : next;
    const done = data.session && !error ? await completeSignIn(app, request, reply, data.session, opts.accessFacts, formNext) : null;
    if (done) return done;
    request.log.info({ err: error?.message }, 'e-mail sign-in code refused');
    return codePage(reply, 400, {
      values: request.body,
      errors: { code: 'That code is not right, has expired or was already used. Check the latest e-mail, or ask for a new one.' },
      next,
    });
  });

  // The invitation sent on approval, when Supabase's "Invite user" e-mail template links here with its token hash
  // (docs/access.md). Invitations only: a GET that signs in could sign a victim into someone else's account (login
  // CSRF), and an invitation exists only for an address the operator approved, and works once.
  app.get<{ Querystring: { token_hash?: string; type?: string } }>('/auth/confirm', async (request, reply) => {
    enabled();
    const { token_hash: tokenHash, type } = request.query;
    if (!tokenHash || type !== 'invite') {
      // Supabase's default template lands here with the session in the URL fragment, which never reaches a server.
      return loginPage(app, reply, 200, { loginNotice: 'Your address is confirmed. Ask for a sign-in link below to sign in.' });
    }
    const { data, error } = await supabaseForRequest(config, request, reply).auth.verifyOtp({ token_hash: tokenHash, type: 'invite' });
    const done = data.session && !error ? await completeSignIn(app, request, reply, data.session, opts.accessFacts, '/') : null;
    if (done) return done;
    request.log.info({ err: error?.message }, 'invitation link refused');
    return loginPage(app, reply, 400, { loginError: 'That invitation link has expired or was already used. Ask for a sign-in link below.' });
  });
}
