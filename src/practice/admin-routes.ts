/**
 * The operator's list of "report a problem with this problem" submissions: open reports first, resolve with one
 * button. Admin-only; everyone else gets a 404 (see requireAdmin).
 */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../auth/current-user.js';
import { closeReport, type PracticeDeps } from './service.js';
import { listReports } from './state-queries.js';

export async function adminRoutes(app: FastifyInstance, opts: { deps: PracticeDeps }): Promise<void> {
  const { pool } = opts.deps;
  app.addHook('preHandler', requireAdmin);

  app.get('/admin/problem-reports', async (_request, reply) => {
    const [open, resolved] = await Promise.all([listReports(pool, { open: true }), listReports(pool, { open: false, limit: 20 })]);
    return reply.view('pages/practice/admin-reports.njk', { open, resolved });
  });

  app.post<{ Params: { id: string } }>('/admin/problem-reports/:id/resolve', async (request, reply) => {
    await closeReport(pool, request.params.id);
    return reply.redirect('/admin/problem-reports', 303);
  });
}
