/**
 * /runs (mine, or everyone's for admins), /runs/:id with a live status fragment, cancel, a demo run, and
 * /admin/workers. Pages work without JavaScript; htmx polls the fragments every second while something is active
 * and stops by itself: a terminal fragment is rendered without its hx-trigger.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireAdmin, requireUser, userOf } from '../auth/current-user.js';
import { AppError } from '../errors.js';
import { isHtmx } from '../web/htmx.js';
import { isRunId } from './types.js';
import { cancelRunAs, runList, runPage, startDemoRun, workersPage } from './service.js';

interface IdParams {
  id: string;
}

function beforeOf(request: FastifyRequest): string | undefined {
  const before = (request.query as { before?: string }).before;
  if (before === undefined || before === '') return undefined;
  if (!isRunId(before)) throw new AppError('bad_request', 'The "before" parameter must be a run id.');
  return before;
}

export async function runsRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.pool;

  app.get('/runs', { preHandler: requireUser }, async (request, reply) => {
    const before = beforeOf(request);
    const data = await runList(db, userOf(request), before);
    return reply.view('pages/runs/index.njk', { ...data, listUrl: before ? `/runs/list?before=${before}` : '/runs/list' });
  });

  app.get('/runs/list', { preHandler: requireUser }, async (request, reply) => {
    const before = beforeOf(request);
    const data = await runList(db, userOf(request), before);
    return reply.view('partials/runs/list.njk', { ...data, listUrl: request.url });
  });

  app.post('/runs/demo', { preHandler: requireUser }, async (request, reply) => {
    const id = await startDemoRun(db, userOf(request));
    return reply.redirect(`/runs/${encodeURIComponent(id)}`, 303);
  });

  app.get<{ Params: IdParams }>('/runs/:id', { preHandler: requireUser }, async (request, reply) => {
    const page = await runPage(db, request.params.id, userOf(request));
    return reply.view('pages/runs/show.njk', page);
  });

  app.get<{ Params: IdParams }>('/runs/:id/status', { preHandler: requireUser }, async (request, reply) => {
    const page = await runPage(db, request.params.id, userOf(request));
    return reply.view('partials/runs/status.njk', page);
  });

  app.post<{ Params: IdParams }>('/runs/:id/cancel', { preHandler: requireUser }, async (request, reply) => {
    const user = userOf(request);
    const outcome = await cancelRunAs(db, request.params.id, user);
    if (outcome === 'not_found') throw new AppError('not_found', 'Run not found');
    if (!isHtmx(request)) return reply.redirect(`/runs/${encodeURIComponent(request.params.id)}`, 303);
    const page = await runPage(db, request.params.id, user);
    return renderFresh(reply, 'partials/runs/status.njk', page);
  });

  app.get('/admin/workers', { preHandler: [requireUser, requireAdmin] }, async (_request, reply) => {
    return reply.view('pages/runs/workers.njk', await workersPage(db, app.deps.config.worker.leaseMs));
  });

  app.get('/admin/workers/status', { preHandler: [requireUser, requireAdmin] }, async (_request, reply) => {
    return reply.view('partials/runs/workers.njk', await workersPage(db, app.deps.config.worker.leaseMs));
  });
}

/** A fragment answered to a POST still needs a CSRF token for the form it contains (GETs get one from auth). */
function renderFresh(reply: FastifyReply, template: string, data: object) {
  return reply.view(template, { ...data, csrfToken: reply.generateCsrf() });
}
