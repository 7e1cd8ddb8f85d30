/**
 * Who is making the request. The auth plugin fills request.user; routes read it through these guards.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { isHtmx } from '../web/htmx.js';

export interface CurrentUser {
  id: string;
  email: string | null;
  displayName: string | null;
  isAdmin: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: CurrentUser | null;
  }
}

/** Pages send the visitor to sign in; APIs and HTMX get a 401 with a reason. */
export async function requireUser(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.user) return;
  if (request.method === 'GET' && !isHtmx(request) && !request.url.startsWith('/api/')) {
    // Signed in but not on the list: signing in again would not help; say so and offer to request access.
    await reply.redirect(request.signedInNotAllowed ? '/not-allowed' : `/login?next=${encodeURIComponent(request.url)}`);
    return;
  }
  if (request.routeOptions.config.apiToken) {
    throw new AppError('unauthenticated', 'Send a personal API token as "Authorization: Bearer <token>" (create one on your account page), or sign in.');
  }
  throw new AppError('unauthenticated', 'Please sign in first.');
}

/** Admin routes answer 404 to everyone else, so their existence is not advertised. */
export async function requireAdmin(request: FastifyRequest): Promise<void> {
  if (!request.user?.isAdmin) throw new AppError('not_found', 'Page not found');
}

export function userOf(request: FastifyRequest): CurrentUser {
  if (!request.user) throw new AppError('unauthenticated', 'Please sign in first.');
  return request.user;
}
