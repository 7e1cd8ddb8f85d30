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

/** Only same-site relative paths may be a post-sign-in destination (no open redirects). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
