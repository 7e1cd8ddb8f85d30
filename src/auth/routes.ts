/**
 * /login, local sign-in and sign-out. Sign-in with GitHub and by e-mail through Supabase plug in beside the local
 * button (github-routes.ts, email-routes.ts).
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { ACCESS_COOKIE, clearSessionCookies, safeNext, sessionCookieOptions } from './cookies.js';
import type { AppSecrets } from './secrets.js';
import { loginPage, recordLocalOperator } from './sign-in.js';
import { revokeSupabaseSession } from './supabase.js';
import { signLocalToken } from './tokens.js';

const LOCAL_TTL_SECONDS = 12 * 3600;

export async function authRoutes(app: FastifyInstance, opts: { secrets: AppSecrets }): Promise<void> {
  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) => {
    if (request.user) return reply.redirect(safeNext(request.query.next));
    return loginPage(app, reply, 200, { next: safeNext(request.query.next) });
  });

  app.post<{ Body: { next?: string } }>('/login/local', async (request, reply) => {
    if (!app.auth.localSignInEnabled) throw new AppError('not_found', 'Page not found');
    const operator = await recordLocalOperator(app.deps.pool);
    const token = await signLocalToken(opts.secrets.localKey, { sub: operator.id, email: operator.email, name: operator.displayName }, LOCAL_TTL_SECONDS);
    reply.setCookie(ACCESS_COOKIE, token, sessionCookieOptions(request, LOCAL_TTL_SECONDS));
    return reply.redirect(safeNext(request.body?.next), 303);
  });

  // A Supabase session is also ended at Supabase, so a copied refresh token stops working; a failure there is logged
  // and the cookies are cleared regardless.
  app.post('/logout', async (request, reply) => {
    const session = request.authSession;
    if (session?.token.issuerKind === 'supabase') await revokeSupabaseSession(app.deps.config, request, reply, session.accessToken);
    clearSessionCookies(reply);
    return reply.redirect('/', 303);
  });
}
