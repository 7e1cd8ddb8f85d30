/**
 * Web security in one place: security headers (helmet) with a strict CSP, per-IP rate limits on the routes people
 * could hammer, and guards applied to routes by path -- so a route another area adds under /admin, or a feedback
 * form added later, is protected without anyone remembering to opt in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, RouteOptions, onRequestHookHandler } from 'fastify';
import type { Config } from '../config.js';
import { AppError, notFound } from '../errors.js';
import { clientIpFrom } from './client-ip.js';

/**
 * The Content-Security-Policy. Scripts only from our own origin: no inline scripts, no eval, no CDN.
 * - `'wasm-unsafe-eval'` lets the browser compile WebAssembly (Pyodide runs Python that way); it does not allow
 *   JavaScript eval.
 * - Workers from self (the Pyodide runner) and blob: (libraries that start workers from generated code).
 * - Styles allow inline: htmx and the code editor insert `<style>` elements and style attributes at run time. Style
 *   injection cannot run code, and every template autoescapes, so this is the accepted trade-off.
 * - form-action: "Sign in with GitHub" is a form post answered by a redirect to Supabase, which redirects to GitHub,
 *   which (already authorised) redirects straight back. Chromium checks form-action against every hop of that one
 *   navigation, so both origins must be listed or the sign-in stops at the first redirect.
 */
export function contentSecurityPolicy(config: Config): Record<string, string[] | null> {
  const supabaseOrigin = config.supabase.url ? new URL(config.supabase.url).origin : null;
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'", ...(supabaseOrigin ? [supabaseOrigin, 'https://github.com'] : [])],
    'frame-ancestors': ["'none'"],
    // Only behind TLS: on http://127.0.0.1 it would "upgrade" our own assets to an https port nobody serves.
    'upgrade-insecure-requests': config.env === 'production' ? [] : null,
  };
}

/** Per-IP limits, keyed on request.clientIp (CLIENT_IP_SOURCE: by default Fly-Client-IP in production). */
export const RATE_LIMITS = {
  signIn: { max: 10, timeWindow: '1 minute' },
  // Every POST, refused or not: a coarse guard against hammering. Accepted requests have their own, tighter limit
  // (ACCEPTED_ACCESS_REQUESTS in access/routes.ts), so a typo does not use one up.
  requestAccess: { max: 60, timeWindow: '1 hour' },
  feedback: { max: 20, timeWindow: '10 minutes' },
} as const;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const methodsOf = (route: RouteOptions) => ([] as string[]).concat(route.method);

/** Which limit, if any, a route gets. Matching by path means areas need not know about rate limiting. */
export function rateLimitFor(route: RouteOptions): (typeof RATE_LIMITS)[keyof typeof RATE_LIMITS] | null {
  const url = route.url;
  if (url === '/login/local' || url === '/auth/github' || url === '/auth/callback' || url === '/auth/confirm') return RATE_LIMITS.signIn;
  // A burst guard in memory; the per-address and per-IP hourly limits on e-mails are in auth/email-service.ts.
  if ((url === '/auth/email' || url === '/auth/email/code') && methodsOf(route).includes('POST')) return RATE_LIMITS.signIn;
  if (url === '/request-access' && methodsOf(route).includes('POST')) return RATE_LIMITS.requestAccess;
  // Feedback and problem reports both land with the operator (and may file GitHub issues): one limit for both.
  if (/(^|\/)(feedback|report)(\/|$)/.test(url) && methodsOf(route).some((m) => UNSAFE.has(m))) return RATE_LIMITS.feedback;
  return null;
}

export const isAdminPath = (url: string) => /^\/admin(\/|$)/.test(url);
export const isDiagnosticsPath = (url: string) => /^\/__(sentry|claude)(\/|$)/.test(url);

/** Diagnostics exist outside production, or in production when the operator turns them on for a while. */
export function diagnosticsEnabled(config: Config): boolean {
  return config.sentry.environment !== 'prod' || config.diagnosticsEnabled;
}

/**
 * Runs as the route's first onRequest hook, after the auth plugin has set request.user and before CSRF checks, body
 * parsing or the handler: a non-admin gets the same 404 as for a path that does not exist, even on a POST without a
 * CSRF token, so the operator area is not advertised.
 */
function gateFor(url: string, config: Config): onRequestHookHandler | null {
  if (isAdminPath(url)) {
    return async (request: FastifyRequest) => {
      if (!request.user?.isAdmin) throw notFound();
    };
  }
  if (isDiagnosticsPath(url)) {
    return async (request: FastifyRequest) => {
      if (!diagnosticsEnabled(config) || !request.user?.isAdmin) throw notFound();
    };
  }
  return null;
}

/** Runs helmet once against a recording response and returns the headers it set. */
export function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return Object.freeze(headers);
}

export async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  // helmet's headers depend only on the config (no CSP nonces), so they are worked out once at start-up and added to
  // every reply in one call. @fastify/helmet instead builds a new helmet middleware (re-parsing the CSP) per request,
  // a measurable share of a cached page's cost (npm run bench:http).
  const securityHeaders = helmetHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    // Cross-origin isolation is opted into per page (web/isolation.ts): only the practice runner needs it.
    crossOriginEmbedderPolicy: false,
    // HSTS only where we are served over TLS; browsers ignore it over http anyway, but say what we mean.
    strictTransportSecurity: config.env === 'production' ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });

  // Added before @fastify/rate-limit so its own onRoute hook sees the limit we attach here.
  app.addHook('onRoute', (route) => {
    const limit = rateLimitFor(route);
    if (limit && route.config?.rateLimit === undefined) route.config = { ...(route.config ?? {}), rateLimit: { ...limit } } as typeof route.config;
    const gate = gateFor(route.url, config);
    if (gate) route.onRequest = [gate, ...([] as onRequestHookHandler[]).concat(route.onRequest ?? [])];
  });

  const source = config.clientIpSource;
  app.decorateRequest('clientIp', {
    getter(this: FastifyRequest) {
      return clientIpFrom(source, this.socket.remoteAddress ?? '', this.headers);
    },
  });
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (request) => request.clientIp,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many attempts from your network. Try again in ${context.after}.`),
  });
}
