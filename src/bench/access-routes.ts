/**
 * /admin/bench-access: the operator grants or revokes benchmark access per user. Under /admin, so everyone but an
 * admin gets a 404 before these handlers run (src/web/security.ts); the hook below says so again where it is used.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAdmin, userOf } from '../auth/current-user.js';
import { AppError } from '../errors.js';
import { grantBenchmarkAccess, revokeBenchmarkAccess } from './access.js';
import { listBenchAccess } from './access-queries.js';

const userParam = z.object({ userId: z.uuid() });

export async function benchAccessRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', requireAdmin);
  const db = app.deps.pool;

  app.get('/admin/bench-access', async (_request, reply) => reply.view('pages/bench/access.njk', { users: await listBenchAccess(db) }));

  app.post<{ Params: { userId: string; action: string } }>('/admin/bench-access/:userId/:action', async (request, reply) => {
    const parsed = userParam.safeParse(request.params);
    const action = request.params.action;
    if (!parsed.success || (action !== 'grant' && action !== 'revoke')) throw new AppError('not_found', 'Page not found');
    if (action === 'grant') await grantBenchmarkAccess(db, userOf(request), parsed.data.userId);
    else await revokeBenchmarkAccess(db, parsed.data.userId);
    return reply.redirect('/admin/bench-access', 303);
  });
}
