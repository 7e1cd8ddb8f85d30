/** /admin/ops: Bench's health at a glance for the operator. 404 for non-admins (the /admin guard and requireAdmin). */
import type { FastifyInstance } from 'fastify';
import { requireAdmin, requireUser } from '../auth/current-user.js';
import { createDatabaseCheck } from './health.js';
import { opsPage } from './service.js';

export async function opsRoutes(app: FastifyInstance): Promise<void> {
  const check = createDatabaseCheck(app.deps.pool);
  app.get('/admin/ops', { preHandler: [requireUser, requireAdmin] }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return reply.view('pages/ops/index.njk', await opsPage(app.deps.pool, app.deps.config, check));
  });
}
