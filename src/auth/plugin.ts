/**
 * Sets request.user on every request from the access-token cookie (or, on a route that takes them, from a personal
 * API token in the Authorization header), and guards every state-changing request with a
 * CSRF token (double submit: a signed secret cookie plus a token in the form field `_csrf` or the `x-csrf-token`
 * header that htmx sends).
 */
import csrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isLoopbackHost, type Config } from '../config.js';
import { decideAccess, type AccessFacts } from './access.js';
import type { CurrentUser } from './current-user.js';
import { ACCESS_COOKIE, REFRESH_COOKIE } from './cookies.js';
import type { AppSecrets } from './secrets.js';
import { createTokenVerifier, localIssuer, type TokenVerifier, type TrustedIssuer, type VerifiedToken } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Signed in with a valid token but not on the allowlist: the "not allowed" page uses it. */
    signedInNotAllowed: { id: string; email: string | null } | null;
    /** The verified access token of this request (after a transparent refresh), e.g. to revoke it at sign-out. */
    authSession: { accessToken: string; token: VerifiedToken } | null;
    /** True when request.user came from an API token (Authorization: Bearer), not from the session cookie. */
    viaApiToken: boolean;
  }
  interface FastifyContextConfig {
    /** The route also accepts a personal API token (api-tokens.ts); such a request needs no CSRF token. */
    apiToken?: boolean;
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
  /** Gets a fresh access token (and sets its cookies) when the current one is missing or no longer valid. */
  refresh?: (request: FastifyRequest, reply: FastifyReply) => Promise<string | null>;
  /** The user behind an `Authorization` header on a route that takes API tokens (api-tokens.ts); throws a 401. */
  bearer?: (header: string) => Promise<CurrentUser>;
}

/**
 * The CSRF secret cookie. Where the site is served over https (an https PUBLIC_URL, or production, which Fly serves
 * with force_https) it is Secure and named with the __Host- prefix, which browsers accept only when it is Secure,
 * Path=/ and has no Domain: a sibling subdomain or a plain-http page cannot plant or overwrite it. On a developer's
 * http://127.0.0.1 the prefix would make browsers drop it, so there it is Secure only on a request that came over https.
 */
export function csrfCookie(config: Pick<Config, 'env' | 'publicUrl'>): { name: string; secure: true | 'auto' } {
  const https = config.publicUrl ? config.publicUrl.startsWith('https:') : config.env === 'production';
  return https ? { name: '__Host-bench_csrf', secure: true } : { name: 'bench_csrf', secure: 'auto' };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NO_TOKEN_PREFIXES = ['/static/', '/assets/', '/vendor/', '/__health'];

async function authPlugin(app: FastifyInstance, opts: AuthPluginOptions): Promise<void> {
  const local = localSignInEnabled(opts.config);
  const verify = createTokenVerifier([...(local ? [localIssuer(opts.secrets.localKey)] : []), ...(opts.issuers ?? [])]);
  app.decorate('auth', { verify, localSignInEnabled: local });
  app.decorateRequest('signedInNotAllowed', null);
  app.decorateRequest('authSession', null);
  app.decorateRequest('viaApiToken', false);

  const cookie = csrfCookie(opts.config);
  await app.register(csrf, {
    cookieKey: cookie.name,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: true, secure: cookie.secure },
    getToken: (req: FastifyRequest) => (req.body as Record<string, string> | undefined)?._csrf ?? (req.headers['x-csrf-token'] as string | undefined),
  });

  app.addHook('onRequest', async (request, reply) => {
    // A token route with an Authorization header: the token alone decides, cookies are not read. Cross-site pages
    // cannot send this header, which is why such a request skips the CSRF check below.
    const authorization = request.headers.authorization;
    if (opts.bearer && authorization !== undefined && request.routeOptions.config.apiToken) {
      request.user = await opts.bearer(authorization);
      request.viaApiToken = true;
      return;
    }
    let accessToken = request.cookies[ACCESS_COOKIE];
    let token = await verify(accessToken);
    // Static files skip the refresh: a page's parallel asset requests must not each spend the refresh token.
    if (!token && opts.refresh && request.cookies[REFRESH_COOKIE] && !NO_TOKEN_PREFIXES.some((p) => request.url.startsWith(p))) {
      accessToken = (await opts.refresh(request, reply)) ?? undefined;
      token = await verify(accessToken);
    }
    if (!token || !accessToken) return;
    request.authSession = { accessToken, token };
    const decision = decideAccess(opts.config, token, opts.accessFacts ? await opts.accessFacts(token) : undefined);
    if (!decision.allowed) {
      request.signedInNotAllowed = { id: token.sub, email: token.email };
      return;
    }
    request.user = { id: token.sub, email: token.email, displayName: token.name, isAdmin: decision.isAdmin };
  });

  // preValidation: the body is parsed by then, so the token can come from a plain form field. The plugin answers a
  // bad token itself with its own error, which the error handler turns into a readable 403 (see errors.ts).
  app.addHook('preValidation', (request, reply, done) => {
    if (!UNSAFE.has(request.method) || request.viaApiToken) return done();
    app.csrfProtection(request, reply, done);
  });

  app.addHook('preHandler', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // Every method, not only GET: a form that fails validation is re-rendered by the POST and needs a token too.
    if (NO_TOKEN_PREFIXES.some((p) => request.url.startsWith(p))) return done();
    // Made when a template reads it, not per request: a page served from the practice page cache never renders, and
    // generating a token (an HMAC over the secret cookie, plus a hash) was a measurable share of such a request.
    let token: string | undefined;
    const locals: Record<string, unknown> = reply.locals ?? {};
    locals.signedInNotAllowed = request.signedInNotAllowed;
    Object.defineProperty(locals, 'csrfToken', { enumerable: true, configurable: true, get: () => (token ??= reply.generateCsrf()) });
    reply.locals = locals;
    done();
  });
}

export default fp(authPlugin, { name: 'bench-auth', dependencies: ['@fastify/cookie'] });
