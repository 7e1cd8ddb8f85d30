/**
 * The public side of access: /request-access (anyone), and /not-allowed for someone signed in but not on the list.
 * POST /request-access is rate limited per IP by path (web/security.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseForm } from '../web/forms.js';
import { publicBaseUrl } from '../web/public-url.js';
import { createMailer, type Mailer } from './notify.js';
import { requestAccessSchema, submitAccessRequest, type AccessDeps } from './service.js';

export function accessDeps(app: FastifyInstance, request: FastifyRequest, mailer: Mailer): AccessDeps {
  return { config: app.deps.config, db: app.deps.pool, mailer, log: request.log, baseUrl: publicBaseUrl(app.deps.config, request) };
}

/** The honeypot: a field people never see (hidden by CSS, skipped by tab order) but form-filling bots do fill. */
const HONEYPOT = 'website';

export async function accessRoutes(app: FastifyInstance, opts: { mailer?: Mailer } = {}): Promise<void> {
  const mailer = opts.mailer ?? createMailer(app.deps.config, app.deps.reporter);

  app.get('/request-access', async (request, reply) => {
    const email = request.signedInNotAllowed?.email ?? request.user?.email ?? '';
    return reply.view('pages/access/request.njk', { values: { email }, errors: {} });
  });

  app.post<{ Body: Record<string, unknown> }>('/request-access', async (request, reply) => {
    const body = request.body ?? {};
    if (typeof body[HONEYPOT] === 'string' && body[HONEYPOT] !== '') {
      request.log.info({ ip: request.ip }, 'access request honeypot filled: dropped');
      return reply.view('pages/access/request-sent.njk', { merged: false });
    }
    const form = parseForm(requestAccessSchema, body);
    if (!form.ok) {
      reply.status(422);
      return reply.view('pages/access/request.njk', { values: form.values, errors: form.errors });
    }
    // Only a verified token links the request to an account, and only when the token's own e-mail is the one typed
    // in: otherwise anyone signed in could type someone else's address and have their own account let in when the
    // operator approves that person. A request for another address is still saved, and approving it lets in
    // whoever signs in with that address.
    const account = request.signedInNotAllowed;
    const userId = account?.email && account.email.toLowerCase() === form.data.email.toLowerCase() ? account.id : null;
    const result = await submitAccessRequest(accessDeps(app, request, mailer), form.data, userId);
    request.log.info({ accessRequestId: result.id, merged: result.merged, operatorEmail: result.operatorEmail }, 'access requested');
    return reply.view('pages/access/request-sent.njk', { merged: result.merged });
  });

  app.get('/not-allowed', async (request, reply) => {
    if (request.user) return reply.redirect('/');
    if (!request.signedInNotAllowed) return reply.redirect('/login');
    reply.status(403);
    return reply.view('pages/access/not-allowed.njk', { email: request.signedInNotAllowed.email });
  });
}
