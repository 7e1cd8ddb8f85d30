/**
 * "Sign in with GitHub" through Supabase Auth, OAuth with PKCE, run on the server (the callback also finishes an
 * e-mailed sign-in link, which is the same PKCE exchange: see email-routes.ts):
 *   POST /auth/github   supabase-js builds the authorize URL; its code verifier goes into a short-lived httpOnly
 *                       cookie (our storage adapter), and the browser is sent to Supabase -> GitHub.
 *   GET /auth/callback  Supabase sends the browser back with ?code; supabase-js exchanges code + verifier for a
 *                       session; we check the access token with our own verifier, record the user, set cookies.
 * The verifier cookie is also what stops login CSRF: a code minted in someone else's browser cannot be exchanged here.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callbackUrl, completeSignIn, loginPage, rememberNext, type AccessFactsFn } from './sign-in.js';
import { supabaseForRequest, supabaseSignInEnabled } from './supabase.js';

export async function githubAuthRoutes(app: FastifyInstance, opts: { accessFacts?: AccessFactsFn }): Promise<void> {
  const config = app.deps.config;
  const loginFailed = (reply: FastifyReply, status: number, message: string) => loginPage(app, reply, status, { loginError: message });

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
    rememberNext(request, reply, request.body?.next);
    return reply.redirect(data.url, 303);
  });

  app.get<{ Querystring: { code?: string; error?: string; error_description?: string } }>('/auth/callback', async (request, reply) => {
    if (!supabaseSignInEnabled(config)) return loginFailed(reply, 404, 'Sign-in is not configured.');
    const { code, error: oauthError } = request.query;
    if (oauthError || !code) {
      // The description comes from the URL, i.e. from whoever made the link: logged, not shown.
      request.log.info({ oauthError, description: request.query.error_description }, 'sign-in did not complete');
      return loginFailed(reply, 400, 'Sign-in was cancelled, or the e-mailed link has expired or was already used. Try again.');
    }
    const supabase = supabaseForRequest(config, request, reply);
    const { data, error } = await supabase.auth.exchangeCodeForSession(code);
    const done = data.session && !error ? await completeSignIn(app, request, reply, data.session, opts.accessFacts) : null;
    if (done) return done;
    request.log.info({ err: error?.message }, 'sign-in code exchange failed');
    // The usual cause for an e-mailed link: opened on another device or browser than the one that asked for it.
    return loginFailed(reply, 400, 'That sign-in has expired, or was started in another browser than this one. ' +
      'Try again; for an e-mailed link, type the six-digit code from the e-mail instead.');
  });
}
