/**
 * The operator's side: /admin/access-requests (decide) and /admin/users (who has access and why; revoke approvals).
 * Every /admin route answers 404 to non-admins through the path guard in web/security.ts; requireAdmin here as well,
 * so the handlers are safe even if mounted elsewhere.
 *
 * Deciding is two steps, so a mis-click never lets someone in: "Approve…" shows a confirmation with an optional note
 * (swapped in place by htmx, or as its own page without JavaScript), and only its form changes anything.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireAdmin, userOf } from '../auth/current-user.js';
import { createInviter, type Inviter } from '../auth/supabase-admin.js';
import { AppError } from '../errors.js';
import { parseForm } from '../web/forms.js';
import { isHtmx } from '../web/htmx.js';
import { createMailer, type Mailer } from './notify.js';
import { getRequest, listRequests, type AccessRequest } from './queries.js';
import { accessDeps } from './routes.js';
import { decideAccessRequest, listUserAccess, revokeAccessRequest } from './service.js';

const idParam = z.object({ id: z.string().regex(/^\d{1,18}$/) });
const decisionSchema = z.object({
  decision: z.enum(['approved', 'denied']),
  // Line breaks arrive as CRLF from a form post; the browser's maxlength counted each as one character, so do we.
  note: z
    .string()
    .optional()
    .transform((v) => (v ?? '').replace(/\r\n/g, '\n').trim())
    .pipe(z.string().max(1000, 'A note is at most 1,000 characters.'))
    .transform((v) => v || null),
});

function idOf(request: FastifyRequest): string {
  const parsed = idParam.safeParse(request.params);
  if (!parsed.success) throw new AppError('not_found', 'No such access request.');
  return parsed.data.id;
}

async function requestOr404(app: FastifyInstance, id: string): Promise<AccessRequest> {
  const found = await getRequest(app.deps.pool, id);
  if (!found) throw new AppError('not_found', 'No such access request.');
  return found;
}

/** An htmx call gets the changed fragment; a plain form post goes back to the page it came from (post/redirect/get). */
async function answer(request: FastifyRequest, reply: FastifyReply, fragment: string, context: object, back: '/admin/access-requests' | '/admin/users') {
  if (isHtmx(request)) return reply.view(fragment, context);
  return reply.redirect(back, 303);
}

export async function accessAdminRoutes(app: FastifyInstance, opts: { mailer?: Mailer; inviter?: Inviter | null } = {}): Promise<void> {
  const mailer = opts.mailer ?? createMailer(app.deps.config, app.deps.reporter);
  const inviter = opts.inviter === undefined ? createInviter(app.deps.config) : opts.inviter;
  /** How the approved person hears of it, for the confirmation's wording. */
  const telling = { mailEnabled: mailer.enabled, inviteEnabled: Boolean(inviter) };
  app.addHook('preHandler', requireAdmin);

  app.get('/admin/access-requests', async (_request, reply) => {
    const requests = await listRequests(app.deps.pool);
    return reply.view('pages/access/admin-requests.njk', {
      requests,
      pendingCount: requests.filter((r) => r.status === 'pending').length,
      ...telling,
    });
  });

  app.get('/admin/access-requests/:id', async (request, reply) => {
    const r = await requestOr404(app, idOf(request));
    if (!isHtmx(request)) return reply.redirect('/admin/access-requests');
    return reply.view('partials/access/admin-request.njk', { r });
  });

  app.get<{ Querystring: { decision?: string } }>('/admin/access-requests/:id/confirm', async (request, reply) => {
    const r = await requestOr404(app, idOf(request));
    const decision = request.query.decision === 'denied' ? 'denied' : 'approved';
    if (r.status !== 'pending') throw new AppError('conflict', `This request was already ${r.status}.`);
    const context = { r, decision, ...telling };
    if (isHtmx(request)) return reply.view('partials/access/admin-request-confirm.njk', context);
    return reply.view('pages/access/admin-request-confirm.njk', context);
  });

  app.post<{ Body: Record<string, unknown> }>('/admin/access-requests/:id/decision', async (request, reply) => {
    const id = idOf(request);
    const form = parseForm(decisionSchema, request.body);
    if (!form.ok) {
      if (form.errors.decision) throw new AppError('validation_failed', 'Choose approve or deny.');
      // A note that is too long comes back in the confirmation, as typed, with the reason beside it.
      const r = await requestOr404(app, id);
      const context = { r, decision: form.values.decision, ...telling, note: String(form.values.note ?? ''), errors: form.errors };
      reply.status(422);
      if (isHtmx(request)) return reply.view('partials/access/admin-request-confirm.njk', context);
      return reply.view('pages/access/admin-request-confirm.njk', context);
    }
    const r = await decideAccessRequest(accessDeps(app, request, mailer, inviter), {
      id,
      decision: form.data.decision,
      adminId: userOf(request).id,
      note: form.data.note,
    });
    request.log.info({ accessRequestId: id, decision: r.status, invitation: r.inviteStatus }, 'access request decided');
    return answer(request, reply, 'partials/access/admin-request.njk', { r, justDecided: true }, '/admin/access-requests');
  });

  app.get('/admin/users', async (_request, reply) => {
    const access = await listUserAccess(app.deps.config, app.deps.pool);
    return reply.view('pages/access/admin-users.njk', access);
  });

  app.post('/admin/access-requests/:id/revoke', async (request, reply) => {
    const r = await revokeAccessRequest(accessDeps(app, request, mailer), { id: idOf(request), adminId: userOf(request).id });
    request.log.info({ accessRequestId: r.id }, 'approval revoked');
    return answer(request, reply, 'partials/access/admin-approved-grant.njk', { g: r }, '/admin/users');
  });
}
