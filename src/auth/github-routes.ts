/**
 * "Sign in with GitHub" through Supabase Auth, OAuth with PKCE, run on the server:
 *   POST /auth/github   supabase-js builds the authorize URL; its code verifier goes into a short-lived httpOnly
 *                       cookie (our storage adapter), and the browser is sent to Supabase -> GitHub.
 *   GET /auth/callback  Supabase sends the browser back with ?code; supabase-js exchanges code + verifier for a
 *                       session; we check the access token with our own verifier, record the user, set cookies.
 * The verifier cookie is also what stops login CSRF: a code minted in someone else's browser cannot be exchanged here.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { decideAccess, type AccessFacts } from './access.js';
import { safeNext } from './cookies.js';
import { upsertUser } from './queries.js';
import { setSessionCookies, supabaseForRequest, supabaseSignInEnabled } from './supabase.js';
import type { VerifiedToken } from './tokens.js';
import { publicBaseUrl } from '../web/public-url.js';

/** Where to go after the callback; kept beside the verifier because Supabase's redirect allowlist matches exact URLs. */
const NEXT_COOKIE = 'bench_next';

const callbackUrl = (app: FastifyInstance, request: FastifyRequest) => `${publicBaseUrl(app.deps.config, request)}/auth/callback`;

export async function githubAuthRoutes(app: FastifyInstance, opts: { accessFacts?: (token: VerifiedToken) => Promise<AccessFacts> }): Promise<void> {
  const config = app.deps.config;
  const loginFailed = async (reply: FastifyReply, status: number, message: string) => {
    reply.status(status);
    return reply.view('pages/auth/login.njk', {
      next: '/',
      localSignIn: app.auth.localSignInEnabled,
      githubSignIn: supabaseSignInEnabled(config),
      loginError: message,
    });
  };

  app.post<{ Body: { next?: string } }>('/auth/github', async (request, reply) => {
    if (!supabaseSignInEnabled(config)) return loginFailed(reply, 404, 'Sign-in with GitHub is not configured.');
    const supabase = supabaseForRequest(config, request, reply);
    const { data, error } = await supabase.auth.signInWithOAuth({
      provider: 'github',
      options: { redirectTo: callbackUrl(app, request), skipBrowserRedirect: true },
    });
    if (error || !data.url) {
      request.log.warn({ err: error?.message }, 'could not start GitHub sign-in');
      return loginFailed(reply, 502, 'Could not reach the sign-in service. Try again in a moment.');
    }
    reply.setCookie(NEXT_COOKIE, safeNext(request.body?.next), { path: '/auth', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', maxAge: 600 });
    return reply.redirect(data.url, 303);
  });

  app.get<{ Querystring: { code?: string; error?: string; error_description?: string } }>('/auth/callback', async (request, reply) => {
    if (!supabaseSignInEnabled(config)) return loginFailed(reply, 404, 'Sign-in with GitHub is not configured.');
    const { code, error: oauthError } = request.query;
    if (oauthError || !code) {
      // The description comes from the URL, i.e. from whoever made the link: logged, not shown.
      request.log.info({ oauthError, description: request.query.error_description }, 'GitHub sign-in did not complete');
      return loginFailed(reply, 400, 'GitHub sign-in was cancelled or did not complete. Try again.');
    }
    const supabase = supabaseForRequest(config, request, reply);
    const { data, error } = await supabase.auth.exchangeCodeForSession(code);
    const token = data.session ? await app.auth.verify(data.session.access_token) : null;
    if (error || !data.session || !token) {
      request.log.info({ err: error?.message, verified: Boolean(token) }, 'GitHub sign-in code exchange failed');
      return loginFailed(reply, 400, 'That sign-in link has expired or was started in another browser. Try again.');
    }
    await upsertUser(app.deps.pool, { id: token.sub, email: token.email, displayName: token.name });
    setSessionCookies(request, reply, data.session);
    const decision = decideAccess(config, token, opts.accessFacts ? await opts.accessFacts(token) : undefined);
    // Checked again on the way out: we set the cookie, but it comes back from the browser.
    const next = request.cookies[NEXT_COOKIE];
    reply.clearCookie(NEXT_COOKIE, { path: '/auth' });
    return reply.redirect(decision.allowed ? safeNext(next) : '/not-allowed', 303);
  });
}
