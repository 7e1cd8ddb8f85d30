/** /admin: the operator area's index. 404 for non-admins (path guard in web/security.ts, and requireAdmin here). */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../auth/current-user.js';
import { diagnosticsEnabled } from '../web/security.js';
import { ADMIN_PAGES } from './admin-pages.js';

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin', { preHandler: requireAdmin }, async (_request, reply) =>
    reply.view('pages/site/admin.njk', { pages: ADMIN_PAGES, diagnostics: diagnosticsEnabled(app.deps.config) }),
  );
}
