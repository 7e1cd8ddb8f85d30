/**
 * /feedback (any signed-in user: the form linked from every page's footer) and /admin/feedback (the operator: read
 * it, and promote a row to a GitHub issue). /admin routes answer 404 to non-admins (web/security.ts, and
 * requireAdmin here as well).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireAdmin, requireUser, userOf } from '../auth/current-user.js';
import { AppError } from '../errors.js';
import { parseForm } from '../web/forms.js';
import { publicBaseUrl } from '../web/public-url.js';
import type { IssueFiler } from './github.js';
import { listFeedback } from './queries.js';
import { isHtmx } from '../web/htmx.js';
import { FEEDBACK_KINDS, feedbackSchema, issueFilerFor, pagePath, promoteFeedback, submitFeedback } from './service.js';

const idParam = z.object({ id: z.string().regex(/^\d{1,18}$/) });

export async function feedbackRoutes(app: FastifyInstance, opts: { filer?: IssueFiler | null } = {}): Promise<void> {
  const filer = opts.filer === undefined ? issueFilerFor(app.deps.config) : opts.filer;

  app.get<{ Querystring: { from?: string } }>('/feedback', { preHandler: requireUser }, async (request, reply) =>
    reply.view('pages/feedback/form.njk', { kinds: FEEDBACK_KINDS, values: { page: pagePath(request.query.from) }, errors: {} }),
  );

  app.post<{ Body: Record<string, unknown> }>('/feedback', { preHandler: requireUser }, async (request, reply) => {
    const form = parseForm(feedbackSchema, request.body);
    if (!form.ok) {
      reply.status(422);
      const values = { ...form.values, page: pagePath(form.values.page) };
      return reply.view('pages/feedback/form.njk', { kinds: FEEDBACK_KINDS, values, errors: form.errors });
    }
    const id = await submitFeedback(app.deps.pool, userOf(request).id, form.data);
    request.log.info({ feedbackId: id, kind: form.data.kind }, 'feedback received');
    return reply.view('pages/feedback/sent.njk', { page: form.data.page });
  });

  app.get('/admin/feedback', { preHandler: requireAdmin }, async (_request, reply) =>
    reply.view('pages/feedback/admin.njk', { items: await listFeedback(app.deps.pool), githubRepo: filer?.repo ?? null }),
  );

  app.post('/admin/feedback/:id/promote', { preHandler: requireAdmin }, async (request, reply) => {
    const parsed = idParam.safeParse(request.params);
    if (!parsed.success) throw new AppError('not_found', 'No such feedback.');
    const deps = { db: app.deps.pool, filer, baseUrl: publicBaseUrl(app.deps.config, request) };
    const outcome = await promoteFeedback(deps, parsed.data.id, userOf(request).id);
    if (outcome.ok) request.log.info({ feedbackId: parsed.data.id, issue: outcome.feedback.githubIssueUrl }, 'feedback filed on GitHub');
    else request.log.warn({ feedbackId: parsed.data.id, error: outcome.error }, 'filing feedback on GitHub failed');
    // The error is on the row either way, so a plain form post can go back to the list (post/redirect/get).
    if (!isHtmx(request)) return reply.redirect(`/admin/feedback#feedback-${encodeURIComponent(parsed.data.id)}`, 303);
    // 200 even when GitHub failed: the fragment is the row with the error beside it, and htmx swaps only 2xx.
    return reply.view('partials/feedback/item.njk', { f: outcome.feedback, githubRepo: filer?.repo ?? null, justPromoted: outcome.ok });
  });
}
