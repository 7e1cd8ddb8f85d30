/**
 * The benchmark routes' access check (canBenchmark, src/bench/access.ts), asked once per request by a hook in the
 * bench plugin's scope and read by each handler. A request without access gets a 404, like every hidden page.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CurrentUser } from '../auth/current-user.js';
import { AppError } from '../errors.js';
import { canBenchmark } from './access.js';

const allowed = new WeakSet<FastifyRequest>();

export function checkBenchAccess(app: FastifyInstance): void {
  // Signed-out requests pass through untouched: requireUser sends them to sign in (pages) or answers 401 (API).
  app.addHook('preHandler', async (request, reply) => {
    if (request.user && (await canBenchmark(app.deps.pool, request.user))) {
      allowed.add(request);
      reply.locals = { ...(reply.locals ?? {}), benchAccess: true };
    }
  });
}

/** The signed-in user, if they may use benchmarks; otherwise a 404. */
export function benchUser(request: FastifyRequest): CurrentUser {
  if (!request.user || !allowed.has(request)) throw new AppError('not_found', 'Page not found');
  return request.user;
}
