/**
 * Sets request.user on every request from the access-token cookie, and guards every state-changing request with a
 * CSRF token (double submit: a signed secret cookie plus a token in the form field `_csrf` or the `x-csrf-token`
 * header that htmx sends).
 */
import csrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isLoopbackHost, type Config } from '../config.js';
import { decideAccess, type AccessFacts } from './access.js';
import { ACCESS_COOKIE } from './cookies.js';
import type { AppSecrets } from './secrets.js';
import { createTokenVerifier, localIssuer, type TokenVerifier, type TrustedIssuer, type VerifiedToken } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Signed in with a valid token but not on the allowlist: the "not allowed" page uses it. */
    signedInNotAllowed: { email: string | null } | null;
  }
  interface FastifyInstance {
    auth: { verify: TokenVerifier; localSignInEnabled: boolean };
  }
}

/** Local sign-in exists only for a developer's machine: no Supabase, bound to loopback, not production. */
export function localSignInEnabled(config: Config): boolean {
  return !config.supabase.url && isLoopbackHost(config.host) && config.env !== 'production';
}

export interface AuthPluginOptions {
  config: Readonly<Config>;
  secrets: AppSecrets;
  /** Further trusted issuers (Supabase's JWKS and legacy secret). */
  issuers?: TrustedIssuer[];
  /** Extra facts for the access decision, e.g. approved access requests. */
  accessFacts?: (token: VerifiedToken) => Promise<AccessFacts>;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NO_TOKEN_PREFIXES = ['/static/', '/assets/', '/vendor/', '/__health'];

async function authPlugin(app: FastifyInstance, opts: AuthPluginOptions): Promise<void> {
  const local = localSignInEnabled(opts.config);
  const verify = createTokenVerifier([...(local ? [localIssuer(opts.secrets.localKey)] : []), ...(opts.issuers ?? [])]);
  app.decorate('auth', { verify, localSignInEnabled: local });
  app.decorateRequest('signedInNotAllowed', null);

  await app.register(csrf, {
    cookieKey: 'bench_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: true },
    getToken: (req: FastifyRequest) => (req.body as Record<string, string> | undefined)?._csrf ?? (req.headers['x-csrf-token'] as string | undefined),
  });

  app.addHook('onRequest', async (request) => {
    const token = await verify(request.cookies[ACCESS_COOKIE]);
    if (!token) return;
    const decision = decideAccess(opts.config, token, opts.accessFacts ? await opts.accessFacts(token) : undefined);
    if (!decision.allowed) {
      request.signedInNotAllowed = { email: token.email };
      return;
    }
    request.user = { id: token.sub, email: token.email, displayName: token.name, isAdmin: decision.isAdmin };
  });

  // preValidation: the body is parsed by then, so the token can come from a plain form field. The plugin answers a
  // bad token itself with its own error, which the error handler turns into a readable 403 (see errors.ts).
  app.addHook('preValidation', (request, reply, done) => {
    if (!UNSAFE.has(request.method)) return done();
    app.csrfProtection(request, reply, done);
  });

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'GET' || NO_TOKEN_PREFIXES.some((p) => request.url.startsWith(p))) return;
    reply.locals = { ...reply.locals, csrfToken: reply.generateCsrf(), signedInNotAllowed: request.signedInNotAllowed };
  });
}

export default fp(authPlugin, { name: 'bench-auth', dependencies: ['@fastify/cookie'] });
