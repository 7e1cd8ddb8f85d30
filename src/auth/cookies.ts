/** Session cookie names and options in one place. */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const ACCESS_COOKIE = 'bench_access';
export const REFRESH_COOKIE = 'bench_refresh';

/** httpOnly so scripts never see tokens; Secure whenever the request came over https (Fly terminates TLS). */
export function sessionCookieOptions(request: FastifyRequest, maxAgeSeconds: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
    maxAge: maxAgeSeconds,
  };
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(ACCESS_COOKIE, { path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { path: '/' });
}

/** A fixed origin to resolve `next` against; only its path, query and fragment ever leave this module. */
const INTERNAL_ORIGIN = 'http://bench.internal';

/**
 * What a browser reads differently from a plain string compare: C0 controls and DEL (browsers drop tab, LF and CR
 * anywhere in a URL, so "/\t/evil.example" becomes "//evil.example"), backslashes (read as "/" in http URLs), and
 * characters above U+00FF, which Node cannot put in a header (ERR_INVALID_CHAR, a 500) and a real link never holds
 * unencoded.
 */
const UNSAFE_CHARS = /[\u0000-\u001f\u007f\\]|[^\u0000-\u00ff]/;

/**
 * Where to send a visitor after signing in, or after any redirect whose target the request supplied: a path on this
 * site, or '/'. `next` is resolved the way a browser resolves a Location header (WHATWG URL) rather than judged by its
 * first characters; the result must still be on our origin, and only its path + query + hash is returned, serialised
 * by URL, so it is percent-encoded ASCII that a header can always carry. A path that still starts with "//" after
 * resolving ("/.//evil.example") would be read as another host, so it is refused too.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || UNSAFE_CHARS.test(next)) return '/';
  let url: URL;
  try {
    url = new URL(next, INTERNAL_ORIGIN);
  } catch {
    return '/';
  }
  if (url.origin !== INTERNAL_ORIGIN || url.pathname.startsWith('//')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
