/**
 * Supabase Auth on the server: the trusted issuers for its access tokens, and a supabase-js client per request whose
 * storage is this request's cookies. Nothing about a sign-in is kept in process memory, so any web machine can finish
 * a flow another one started, and a restart loses nothing.
 */
import { createClient, type Session, type SupabaseClient } from '@supabase/supabase-js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createRemoteJWKSet } from 'jose';
import type { Config } from '../config.js';
import { ACCESS_COOKIE, REFRESH_COOKIE, clearSessionCookies, sessionCookieOptions } from './cookies.js';
import type { TrustedIssuer } from './tokens.js';

/** The PKCE code verifier between "Sign in with GitHub" and the callback. Ten minutes is ample for the OAuth dance. */
export const PKCE_COOKIE = 'bench_pkce';
export const PKCE_TTL_SECONDS = 600;
/** Supabase refresh tokens do not expire on their own; the cookie lasts a month, and Supabase can end it sooner. */
const REFRESH_TTL_SECONDS = 30 * 24 * 3600;
const STORAGE_KEY = 'bench';

/**
 * Supabase signs with asymmetric keys published as a JWKS (ES256 by default for new keys; RS256 for imported ones;
 * EdDSA is accepted by its key format). jose keeps the set cached for `cacheMaxAge` and, when a token names a `kid`
 * it does not have, refetches once -- but not more often than `cooldownDuration`. Supabase publishes a rotated key
 * as "standby" before signing with it, so a cached set normally already holds it; the cooldown only bounds how often
 * a stream of tokens with invented kids can make us call Supabase (at most once per 30 s, whatever the attacker
 * sends). Ten minutes matches how long Supabase's own edge caches the JWKS.
 */
export const JWKS_OPTIONS = { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 5_000 };

export function supabaseIssuerUrl(config: Config): string | undefined {
  return config.supabase.url ? `${config.supabase.url}/auth/v1` : undefined;
}

export function supabaseIssuers(config: Config, jwksOptions = JWKS_OPTIONS): TrustedIssuer[] {
  const issuer = supabaseIssuerUrl(config);
  if (!issuer) return [];
  const issuers: TrustedIssuer[] = [
    {
      issuer,
      algorithms: ['ES256', 'RS256', 'EdDSA'],
      key: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), jwksOptions),
      kind: 'supabase',
    },
  ];
  // Legacy projects signed with one shared HS256 secret. Trusted only when the operator still sets it, and only for
  // HS256: the asymmetric entry above never accepts HS256, so a token "signed" with a public key fails both.
  if (config.supabase.jwtSecret) {
    issuers.push({ issuer, algorithms: ['HS256'], key: new TextEncoder().encode(config.supabase.jwtSecret), kind: 'supabase' });
  }
  return issuers;
}

export function supabaseSignInEnabled(config: Config): boolean {
  return Boolean(config.supabase.url && config.supabase.anonKey);
}

/**
 * A supabase-js client for one request. `persistSession` must be on for supabase-js to use our storage at all (off,
 * it silently keeps everything in memory); the storage writes only the PKCE verifier to a cookie and keeps the rest
 * of what supabase-js would store in a per-request map, because Bench sets its own session cookies below.
 * `autoRefreshToken` is off: no timers on a server; refresh happens per request in the auth plugin.
 */
export function supabaseForRequest(config: Config, request: FastifyRequest, reply: FastifyReply): SupabaseClient {
  const memory = new Map<string, string>();
  const isVerifier = (key: string) => key === `${STORAGE_KEY}-code-verifier`;
  return createClient(config.supabase.url!, config.supabase.anonKey!, {
    global: { fetch: boundedFetch(request.log) },
    auth: {
      flowType: 'pkce',
      persistSession: true,
      autoRefreshToken: false,
      detectSessionInUrl: false,
      storageKey: STORAGE_KEY,
      storage: {
        getItem: (key: string) => (isVerifier(key) ? (request.cookies[PKCE_COOKIE] ?? null) : (memory.get(key) ?? null)),
        setItem: (key: string, value: string) => {
          if (!isVerifier(key)) return void memory.set(key, value);
          reply.setCookie(PKCE_COOKIE, value, { ...sessionCookieOptions(request, PKCE_TTL_SECONDS), path: '/auth' });
        },
        removeItem: (key: string) => {
          if (!isVerifier(key)) return void memory.delete(key);
          reply.clearCookie(PKCE_COOKIE, { path: '/auth' });
        },
      },
    },
  });
}

/**
 * supabase-js's fetch, with a time limit and without its retry loop. A refresh runs inside a page request, and
 * supabase-js retries "retryable" failures (network errors, 502-504) with backoff for up to 30 s: a Supabase outage
 * would hold every page that long. So an unreachable or overloaded Supabase becomes one quick, non-retryable error
 * with our own code, logged here once (instead of the library printing the raw error to stderr).
 */
const SUPABASE_TIMEOUT_MS = 5_000;
export const SUPABASE_UNREACHABLE = 'supabase_unreachable';
export function boundedFetch(log: { warn(obj: object, msg: string): void }): typeof fetch {
  const unreachable = (detail: string) => {
    log.warn({ detail }, 'Supabase Auth unreachable');
    return new Response(JSON.stringify({ code: 500, error_code: SUPABASE_UNREACHABLE, msg: 'Supabase Auth could not be reached' }), {
      status: 500,
      headers: { 'content-type': 'application/json' },
    });
  };
  return async (input, init) => {
    try {
      const res = await fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(SUPABASE_TIMEOUT_MS) });
      return res.status >= 502 && res.status <= 504 ? unreachable(`HTTP ${res.status}`) : res;
    } catch (err) {
      return unreachable((err as Error).message);
    }
  };
}

/** Access token for as long as Supabase says it lives (the browser then drops it and we refresh); refresh for a month. */
export function setSessionCookies(request: FastifyRequest, reply: FastifyReply, session: Session): void {
  reply.setCookie(ACCESS_COOKIE, session.access_token, sessionCookieOptions(request, Math.max(1, session.expires_in)));
  reply.setCookie(REFRESH_COOKIE, session.refresh_token, sessionCookieOptions(request, REFRESH_TTL_SECONDS));
}

/**
 * Transparent refresh: called by the auth plugin when the access token is missing or no longer valid but a refresh
 * token cookie exists. Returns the new access token, or null. A refresh token Supabase rejects ends the session
 * (cookies cleared); a network failure keeps the cookies so the next request can try again.
 */
export function supabaseRefresher(config: Config) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<string | null> => {
    const refreshToken = request.cookies[REFRESH_COOKIE];
    if (!refreshToken) return null;
    const { data, error } = await supabaseForRequest(config, request, reply).auth.refreshSession({ refresh_token: refreshToken });
    if (error || !data.session) {
      // An outage is not a verdict on the refresh token: keep it for the next request.
      const outage = error?.code === SUPABASE_UNREACHABLE || error?.name === 'AuthRetryableFetchError';
      request.log.info({ err: error?.message, outage }, 'session refresh failed');
      if (!outage) clearSessionCookies(reply);
      return null;
    }
    setSessionCookies(request, reply, data.session);
    return data.session.access_token;
  };
}

/**
 * Ends this browser's session at Supabase, so its refresh token stops working even if a copy of the cookie survives.
 * This is the call supabase-js's own `auth.signOut({ scope: 'local' })` makes with the session's access token; we
 * make it directly because the server keeps no supabase-js session to sign out of.
 */
export async function revokeSupabaseSession(config: Config, request: FastifyRequest, reply: FastifyReply, accessToken: string): Promise<boolean> {
  const { error } = await supabaseForRequest(config, request, reply).auth.admin.signOut(accessToken, 'local');
  if (error) request.log.warn({ err: error.message }, 'Supabase sign-out failed; cookies cleared anyway');
  return !error;
}
